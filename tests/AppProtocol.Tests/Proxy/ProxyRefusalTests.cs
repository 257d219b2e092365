using AppProtocol.Proxy;
using AppProtocol.Tests.Server;
using static AppProtocol.Fuzz.ProxyHeaderBuilder;

namespace AppProtocol.Tests.Proxy;

/// <summary>What the PROXY protocol middleware refuses, and how: the connection closed before any frame, one log line, one error counted with the rule's name.</summary>
public class ProxyRefusalTests
{
    private static readonly byte[] Request = Requests.Search("morpheus");

    private static void TrustBalancer(ProxyProtocolOptions o) => o.AddTrustedProxy("10.0.0.0/8");

    [Fact]
    public async Task An_untrusted_peer_is_refused_unread_when_the_header_is_required()
    {
        await using ProxiedServer server = await ProxiedServer.StartAsync(o => o.AddTrustedProxy("192.168.0.0/16"), ProxiedServer.Balancer);
        await using InMemoryServer.Client forger = await server.ConnectAsync();

        await forger.SendAsync(V1("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n").Concat(Request).ToArray());

        await forger.AssertClosedByServerAsync();
        await server.Log.WaitAsync("ConnectionClosed");
        var line = Assert.Single(server.Log.Events, e => e.Name == "ProxyPeerNotTrusted");
        Assert.Contains(ProxiedServer.Balancer.ToString(), line.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Errors("ProxyPeerNotTrusted"));
        Assert.Empty(server.Opened);
    }

    [Fact]
    public async Task The_default_trusts_loopback_only()
    {
        await using ProxiedServer server = await ProxiedServer.StartAsync(peer: ProxiedServer.Balancer);
        await using InMemoryServer.Client balancer = await server.ConnectAsync();

        await balancer.SendAsync(V1("PROXY UNKNOWN\r\n"));

        await balancer.AssertClosedByServerAsync();
        Assert.Equal(1, server.Errors("ProxyPeerNotTrusted"));
    }

    [Fact]
    public async Task A_connection_without_the_required_header_is_refused()
    {
        await using ProxiedServer server = await ProxiedServer.StartAsync(TrustBalancer, ProxiedServer.Balancer);
        await using InMemoryServer.Client direct = await server.ConnectAsync();

        await direct.SendAsync(Request);

        await direct.AssertClosedByServerAsync();
        await server.Log.WaitAsync("ProxyHeaderMissing");
        Assert.Equal(1, server.Errors("ProxyHeaderMissing"));
        Assert.Equal(1, server.AllErrors());
        Assert.Empty(server.Opened);
    }

    [Theory]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 65536 1\r\n", "V1BadPort")]
    [InlineData("PROXY TCP4 1.2.3.4 ::1 1 2\r\n", "V1BadAddress")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n", "V1BadLineEnd")]
    [InlineData("PROXY  TCP4 1.2.3.4 5.6.7.8 1 2\r\n", "V1BadSyntax")]
    public async Task A_malformed_header_is_refused_with_its_rule_in_the_log_and_the_metric(string line, string rule)
    {
        await using ProxiedServer server = await ProxiedServer.StartAsync(TrustBalancer, ProxiedServer.Balancer);
        await using InMemoryServer.Client balancer = await server.ConnectAsync();

        await balancer.SendAsync(V1(line).Concat(Request).ToArray());

        await balancer.AssertClosedByServerAsync();
        await server.Log.WaitAsync("ProxyHeaderInvalid");
        var logged = Assert.Single(server.Log.Events, e => e.Name == "ProxyHeaderInvalid");
        Assert.Contains($"({rule})", logged.Message, StringComparison.Ordinal);
        Assert.IsType<ProxyProtocolException>(logged.Exception);
        Assert.Equal(1, server.Errors(rule));
        Assert.Empty(server.Opened);
    }

    [Fact]
    public async Task A_v2_header_that_claims_too_much_is_refused_before_its_body_arrives()
    {
        await using ProxiedServer server = await ProxiedServer.StartAsync(TrustBalancer, ProxiedServer.Balancer);
        await using InMemoryServer.Client balancer = await server.ConnectAsync();

        await balancer.SendAsync(V2(0x21, 0x11, [], ushort.MaxValue));

        await balancer.AssertClosedByServerAsync();
        Assert.Equal(1, server.Errors("V2HeaderTooLong"));
    }

    [Fact]
    public async Task A_stream_that_ends_inside_the_header_is_an_incomplete_header()
    {
        await using ProxiedServer server = await ProxiedServer.StartAsync(TrustBalancer, ProxiedServer.Balancer);
        await using InMemoryServer.Client balancer = await server.ConnectAsync();

        await balancer.SendAsync(V1("PROXY TCP4 1.2.3.4"));
        await balancer.ShutdownSendAsync();

        await balancer.AssertClosedByServerAsync();
        await server.Log.WaitAsync("ProxyHeaderInvalid");
        Assert.Equal(1, server.Errors("ProxyHeaderIncomplete"));
    }

    [Fact]
    public async Task A_peer_that_closes_without_a_byte_is_closed_quietly_as_a_TCP_health_check()
    {
        await using ProxiedServer server = await ProxiedServer.StartAsync(TrustBalancer, ProxiedServer.Balancer);
        await using (InMemoryServer.Client check = await server.ConnectAsync())
        {
            await check.ShutdownSendAsync();
            await check.AssertClosedByServerAsync();
        }

        await server.Log.WaitAsync("ConnectionClosed");
        Assert.Equal(0, server.AllErrors());
        Assert.DoesNotContain(server.Log.Events, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task A_header_that_does_not_come_in_time_closes_the_connection_on_the_heartbeat()
    {
        await using ProxiedServer server = await ProxiedServer.StartAsync(o => TrustBalancer(o.WithTimeout(TimeSpan.FromSeconds(3))), ProxiedServer.Balancer);
        await using InMemoryServer.Client slow = await server.ConnectAsync();
        await slow.SendAsync(V1("PROXY TCP4 1.2."));
        await server.Log.WaitAsync("StepTimeoutSet");

        server.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, server.Log.Count("TimedOut"));
        server.Clock.Advance(TimeSpan.FromSeconds(1));

        await slow.AssertClosedByServerAsync();
        await server.Log.WaitAsync("ConnectionClosed");
        Assert.Contains(server.Log.Events, e => e.Name == "TimedOut" && e.Message.Contains("waiting for the PROXY protocol header", StringComparison.Ordinal));
        Assert.Equal(1, server.Errors("timeout"));
        Assert.Equal(1, server.AllErrors());
        Assert.Empty(server.Opened);
    }

    [Fact]
    public async Task A_header_that_comes_in_time_leaves_no_deadline_behind()
    {
        await using ProxiedServer server = await ProxiedServer.StartAsync(o => TrustBalancer(o.WithTimeout(TimeSpan.FromSeconds(3))), ProxiedServer.Balancer);
        await using InMemoryServer.Client balancer = await server.ConnectAsync();
        await balancer.SendAsync(V1("PROXY UNKNOWN\r\n"));
        await balancer.ExchangeAsync(Request);

        // Idle now, under the idle timeout (2 minutes), not the header's 3 seconds.
        server.Clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(ProxiedServer.Balancer.ToString(), ProxiedServer.Who(await balancer.ExchangeAsync(Request)).Split(' ')[0]);
        Assert.Equal(0, server.AllErrors());
    }
}
