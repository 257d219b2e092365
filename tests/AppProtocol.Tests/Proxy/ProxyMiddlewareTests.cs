using System.Net;
using AppProtocol.Tests.Server;
using static AppProtocol.Fuzz.ProxyHeaderBuilder;

namespace AppProtocol.Tests.Proxy;

/// <summary>The PROXY protocol middleware on the in-memory transport: what the handler, the callbacks and the metrics see of a trusted proxy's connections.</summary>
public class ProxyMiddlewareTests
{
    private static readonly IPEndPoint Client = new(IPAddress.Parse("203.0.113.7"), 51234);
    private static readonly IPEndPoint Frontend = new(IPAddress.Parse("198.51.100.1"), 443);
    private static readonly byte[] Request = Requests.Search("morpheus");

    private static void TrustBalancer(AppProtocol.Proxy.ProxyProtocolOptions o) => o.AddTrustedProxy("10.0.0.0/8");

    [Fact]
    public async Task The_handler_and_the_opened_callback_see_the_client_a_v1_header_names()
    {
        await using ProxiedServer server = await ProxiedServer.StartAsync(TrustBalancer, ProxiedServer.Balancer);
        await using InMemoryServer.Client balancer = await server.ConnectAsync();

        // Header and request in one write, as a proxy forwarding the client's first bytes at once would send them.
        await balancer.SendAsync(V1("PROXY TCP4 203.0.113.7 198.51.100.1 51234 443\r\n").Concat(Request).ToArray());

        Assert.Equal($"{Client} {Frontend} v1", ProxiedServer.Who((await balancer.ReadAsync())!.Value));
        Assert.Equal($"{Client} {Frontend} v1", ProxiedServer.Who(await balancer.ExchangeAsync(Request)));
        Assert.Equal(new EndPoint?[] { Client }, server.Opened);
        Assert.Equal(0, server.AllErrors());
    }

    [Fact]
    public async Task A_v2_header_sent_apart_from_the_frames_names_the_client_too()
    {
        var client6 = new IPEndPoint(IPAddress.Parse("2001:db8::7"), 1);
        var frontend6 = new IPEndPoint(IPAddress.Parse("2001:db8::1"), 6543);
        await using ProxiedServer server = await ProxiedServer.StartAsync(TrustBalancer, ProxiedServer.Balancer);
        await using InMemoryServer.Client balancer = await server.ConnectAsync();

        byte[] header = V2Tcp(client6, frontend6, [Tlv(Authority, "api.example.com"u8)], checksum: true);
        await balancer.SendAsync(header.AsMemory(0, 7));
        await balancer.SendAsync(header.AsMemory(7));

        Assert.Equal($"{client6} {frontend6} v2", ProxiedServer.Who(await balancer.ExchangeAsync(Request)));
    }

    [Fact]
    public async Task An_IPv4_client_in_an_IPv6_header_is_shown_as_IPv4_as_the_transports_show_it()
    {
        await using ProxiedServer server = await ProxiedServer.StartAsync(TrustBalancer, ProxiedServer.Balancer);
        await using InMemoryServer.Client balancer = await server.ConnectAsync();

        await balancer.SendAsync(V1("PROXY TCP6 ::ffff:203.0.113.7 ::ffff:198.51.100.1 51234 443\r\n"));

        Assert.Equal($"{Client} {Frontend} v1", ProxiedServer.Who(await balancer.ExchangeAsync(Request)));
    }

    [Fact]
    public async Task A_LOCAL_health_check_keeps_the_connections_own_end_points()
    {
        await using ProxiedServer server = await ProxiedServer.StartAsync(TrustBalancer, ProxiedServer.Balancer);
        await using InMemoryServer.Client balancer = await server.ConnectAsync();

        await balancer.SendAsync(V2(0x20, 0x00, []));

        Assert.Equal($"{ProxiedServer.Balancer} {server.Transport.EndPoint} v2", ProxiedServer.Who(await balancer.ExchangeAsync(Request)));
        Assert.Equal(0, server.AllErrors());
    }

    [Theory]
    [InlineData("PROXY UNKNOWN\r\n")]
    [InlineData("PROXY UNKNOWN ::1 ::2 1 2\r\n")]
    public async Task UNKNOWN_keeps_the_connections_own_end_points(string line)
    {
        await using ProxiedServer server = await ProxiedServer.StartAsync(TrustBalancer, ProxiedServer.Balancer);
        await using InMemoryServer.Client balancer = await server.ConnectAsync();

        await balancer.SendAsync(V1(line));

        Assert.Equal($"{ProxiedServer.Balancer} {server.Transport.EndPoint} v1", ProxiedServer.Who(await balancer.ExchangeAsync(Request)));
    }

    [Fact]
    public async Task A_local_peer_without_an_address_is_trusted_by_default()
    {
        await using ProxiedServer server = await ProxiedServer.StartAsync();
        await using InMemoryServer.Client balancer = await server.ConnectAsync();

        await balancer.SendAsync(V2Tcp(Client, Frontend));

        Assert.Equal($"{Client} {Frontend} v2", ProxiedServer.Who(await balancer.ExchangeAsync(Request)));
    }

    [Fact]
    public async Task Not_required_a_trusted_peer_may_send_a_header_or_none()
    {
        await using ProxiedServer server = await ProxiedServer.StartAsync(o => TrustBalancer(o.WithRequired(false)), ProxiedServer.Balancer);
        await using InMemoryServer.Client proxied = await server.ConnectAsync();
        await using InMemoryServer.Client direct = await server.ConnectAsync();

        await proxied.SendAsync(V1("PROXY TCP4 203.0.113.7 198.51.100.1 51234 443\r\n"));

        Assert.Equal($"{Client} {Frontend} v1", ProxiedServer.Who(await proxied.ExchangeAsync(Request)));
        Assert.Equal($"{ProxiedServer.Balancer} {server.Transport.EndPoint} v0", ProxiedServer.Who(await direct.ExchangeAsync(Request)));
        await server.Log.WaitAsync("ProxyHeaderAbsent");
        Assert.Equal(0, server.AllErrors());
    }

    [Fact]
    public async Task Not_required_an_untrusted_peer_is_a_direct_client_whose_header_is_a_bad_frame()
    {
        await using ProxiedServer server = await ProxiedServer.StartAsync(o => o.WithRequired(false), ProxiedServer.Balancer);
        await using InMemoryServer.Client direct = await server.ConnectAsync();
        await using InMemoryServer.Client forger = await server.ConnectAsync();

        Assert.Equal($"{ProxiedServer.Balancer} {server.Transport.EndPoint} v0", ProxiedServer.Who(await direct.ExchangeAsync(Request)));
        // The signature's first two bytes read as a frame's header length (0x0D0A): the frame parser then refuses the "JSON".
        byte[] header = V2Tcp(new IPEndPoint(IPAddress.Parse("1.2.3.4"), 1), new IPEndPoint(IPAddress.Parse("5.6.7.8"), 2));
        await forger.SendAsync(header.Concat(new byte[0x0D0A + 2 - header.Length]).ToArray());

        await forger.AssertClosedByServerAsync();
        await server.Log.WaitAsync("BadFrame");
        Assert.Equal(0, server.Log.Count("ProxyPeerNotTrusted"));
        Assert.All(server.Opened, opened => Assert.Equal(ProxiedServer.Balancer, opened));
    }

    [Fact]
    public async Task The_header_is_the_connections_feature_with_the_proxys_address()
    {
        AppProtocol.Proxy.IProxyProtocolFeature? seen = null;
        var transport = new AppProtocol.Transport.InMemory.InMemoryTransport();
        var builder = new AppProtocol.Server.FrameServerBuilder()
            .Run((exchange, _) =>
            {
                seen = exchange.Connection.Features.Get<AppProtocol.Proxy.IProxyProtocolFeature>();
                exchange.Respond(AppProtocol.Framing.FrameHeader.Binary("binary/x", 0), []);
                return ValueTask.CompletedTask;
            })
            .ListenOn(new PeerAddressTransport(transport, new IPEndPoint(IPAddress.Loopback, 7)), transport.EndPoint)
            .UseProxyProtocol();
        await using AppProtocol.Server.FrameServer server = builder.Build();
        await server.StartAsync();
        await using var balancer = new InMemoryServer.Client(await transport.ConnectAsync());

        await balancer.SendAsync(V2Tcp(Client, Frontend, [Tlv(UniqueId, [1, 2, 3])]));
        await balancer.ExchangeAsync(Request);

        Assert.NotNull(seen);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 7), seen.ProxyEndPoint);
        Assert.Equal([1, 2, 3], seen.Header.UniqueId.ToArray());
        Assert.Equal(Client, seen.Header.Source);
    }
}
