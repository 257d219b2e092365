using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using AppProtocol.Proxy;
using AppProtocol.Tests.Server;
using AppProtocol.Tests.Support;
using AppProtocol.Transport;
using static AppProtocol.Fuzz.ProxyHeaderBuilder;

namespace AppProtocol.Tests.Proxy;

/// <summary>The PROXY protocol on real sockets (a loopback balancer, trusted by default), where the socket's own wait and stream are the subject: bytes that arrive with the header, TLS after it.</summary>
public class ProxySocketTests
{
    private static readonly IPEndPoint Client = new(IPAddress.Parse("203.0.113.7"), 51234);
    private static readonly IPEndPoint Frontend = new(IPAddress.Parse("198.51.100.1"), 443);
    private static readonly byte[] Request = Requests.Search("morpheus");

    [Fact]
    public async Task A_request_in_the_headers_send_is_answered_and_the_next_one_waits_on_the_socket()
    {
        var opened = new ConcurrentQueue<EndPoint?>();
        var closed = new ConcurrentQueue<EndPoint?>();
        await using TestServer server = await TestServer.StartAsync(ProxiedServer.AnswerWho, o =>
        {
            o.ProxyProtocol = new ProxyProtocolOptions();
            o.ConnectionOpened = (_, remote) => opened.Enqueue(remote);
            o.ConnectionClosed = (_, remote) => closed.Enqueue(remote);
        });
        await using (RawClient balancer = await server.ConnectAsync())
        {
            // Two requests after the header in the same send: both already in the pipe when the frame loop starts.
            await balancer.SendAsync((byte[])[.. V1("PROXY TCP4 203.0.113.7 198.51.100.1 51234 443\r\n"), .. Request, .. Request]);
            Assert.Equal($"{Client} {Frontend} v1", ProxiedServer.Who((await balancer.ReadFrameAsync())!.Value));
            Assert.Equal($"{Client} {Frontend} v1", ProxiedServer.Who((await balancer.ReadFrameAsync())!.Value));

            // Then idle, waiting on the socket again, until the next request.
            Assert.Equal($"{Client} {Frontend} v1", ProxiedServer.Who(await balancer.ExchangeAsync(Request)));
        }

        await server.FirstClosed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new EndPoint?[] { Client }, opened);
        Assert.Equal(new EndPoint?[] { Client }, closed);
    }

    [Fact]
    public async Task A_header_alone_then_requests_later_is_answered()
    {
        await using TestServer server = await TestServer.StartAsync(ProxiedServer.AnswerWho, o => o.ProxyProtocol = new ProxyProtocolOptions());
        await using RawClient balancer = await server.ConnectAsync();

        await balancer.SendAsync(V2Tcp(Client, Frontend, [Tlv(Alpn, "x"u8)], checksum: true));

        Assert.Equal($"{Client} {Frontend} v2", ProxiedServer.Who(await balancer.ExchangeAsync(Request)));
        Assert.Equal($"{Client} {Frontend} v2", ProxiedServer.Who(await balancer.ExchangeAsync(Request)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TLS_after_the_header_is_served_as_the_original_client(bool headerWithClientHello)
    {
        await using TestServer server = await TestServer.StartAsync(ProxiedServer.AnswerWho, o =>
        {
            o.ProxyProtocol = new ProxyProtocolOptions();
            o.Listen.Add(ListenAddress.Tcp("127.0.0.1", 0).WithTls(new SslServerAuthenticationOptions { ServerCertificate = TestCertificates.Server }));
        });

        await using ProxiedTlsClient balancer = await ProxiedTlsClient.ConnectAsync(server.EndPoint, V1("PROXY TCP4 203.0.113.7 198.51.100.1 51234 443\r\n"), headerWithClientHello);

        string who = ProxiedServer.Who(await balancer.ExchangeAsync(Request));
        Assert.StartsWith($"{Client} {Frontend} v1 Tls", who, StringComparison.Ordinal);
        Assert.StartsWith($"{Client} {Frontend} v1 Tls", ProxiedServer.Who(await balancer.ExchangeAsync(Request)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_TLS_handshake_without_the_header_is_refused_as_a_missing_header()
    {
        var log = new LogSignal();
        await using TestServer server = await TestServer.StartAsync(
            ProxiedServer.AnswerWho,
            o =>
            {
                o.ProxyProtocol = new ProxyProtocolOptions();
                o.Listen.Add(ListenAddress.Tcp("127.0.0.1", 0).WithTls(new SslServerAuthenticationOptions { ServerCertificate = TestCertificates.Server }));
            },
            log);

        Exception? refused = await Record.ExceptionAsync(() => RawClient.ConnectTlsAsync(server.EndPoint, new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        }));

        Assert.True(refused is IOException or System.Security.Authentication.AuthenticationException, refused?.ToString());
        await log.WaitAsync("ProxyHeaderMissing");
        Assert.Equal(0, log.Count("TlsHandshakeFailed"));
    }
}
