using System.Net;
using System.Net.Sockets;
using AppProtocol.Proxy;
using Microsoft.AspNetCore.Connections;

namespace AppProtocol.Tests.Proxy;

/// <summary>The PROXY protocol's settings: trusted proxies as text, the timeout's validation, and whom the trust covers.</summary>
public class ProxyProtocolOptionsTests
{
    [Theory]
    [InlineData("10.0.0.5", "10.0.0.5/32")]
    [InlineData("fd00::5", "fd00::5/128")]
    [InlineData("10.0.0.0/8", "10.0.0.0/8")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("2001:db8::/32", "2001:db8::/32")]
    public void A_trusted_proxy_is_an_address_or_a_CIDR_network(string text, string network)
    {
        var options = new ProxyProtocolOptions().AddTrustedProxy(text);

        Assert.Equal(IPNetwork.Parse(network), Assert.Single(options.TrustedProxies));
    }

    [Theory]
    [InlineData("")]
    [InlineData("nope")]
    [InlineData("10.1")]
    [InlineData("127.1/8")]
    [InlineData("10.0.0.1/8")]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/")]
    [InlineData("/8")]
    [InlineData("fe80::1%eth0")]
    [InlineData(" 10.0.0.1")]
    [InlineData("10.0.0.0/8/8")]
    public void Anything_else_is_a_clear_format_error(string text)
    {
        var error = Assert.Throws<FormatException>(() => new ProxyProtocolOptions().AddTrustedProxy(text));

        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("CIDR", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_header_timeout_must_be_positive_or_infinite()
    {
        var options = new ProxyProtocolOptions { HeaderTimeout = Timeout.InfiniteTimeSpan };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => options.HeaderTimeout = TimeSpan.Zero);

        Assert.Equal(nameof(ProxyProtocolOptions.HeaderTimeout), error.ParamName);
        Assert.Equal(TimeSpan.FromSeconds(5), new ProxyProtocolOptions().HeaderTimeout);
        Assert.True(new ProxyProtocolOptions().Required);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.9.8.7", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("10.0.0.1", false)]
    [InlineData("::2", false)]
    public void With_no_trusted_proxy_loopback_is_trusted(string peer, bool trusted) =>
        Assert.Equal(trusted, Trusts(new ProxyProtocolOptions(), new IPEndPoint(IPAddress.Parse(peer), 1)));

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("::ffff:10.1.2.3", true)]
    [InlineData("192.168.0.7", true)]
    [InlineData("192.168.0.8", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("fd00::1", false)]
    public void With_trusted_proxies_only_they_are_trusted(string peer, bool trusted)
    {
        var options = new ProxyProtocolOptions().AddTrustedProxy("10.0.0.0/8").AddTrustedProxy("192.168.0.7");

        Assert.Equal(trusted, Trusts(options, new IPEndPoint(IPAddress.Parse(peer), 1)));
    }

    [Fact]
    public void A_peer_without_an_address_is_local_and_trusted()
    {
        var options = new ProxyProtocolOptions().AddTrustedProxy("10.0.0.0/8");

        Assert.True(Trusts(options, new UnixDomainSocketEndPoint("/tmp/peer.sock")));
        Assert.True(Trusts(options, null, local: new UnixDomainSocketEndPoint("/tmp/server.sock")));
        Assert.False(Trusts(options, null, local: new IPEndPoint(IPAddress.Loopback, 1)));
        Assert.False(Trusts(options, null, local: null));
    }

    [Fact]
    public void The_server_takes_a_snapshot()
    {
        var options = new ProxyProtocolOptions();
        ProxySettings snapshot = options.Snapshot();
        options.AddTrustedProxy("10.0.0.0/8");
        options.Required = false;

        Assert.True(snapshot.Required);
        Assert.False(snapshot.Trust.Trusts(new DefaultConnectionContext { RemoteEndPoint = new IPEndPoint(IPAddress.Parse("10.0.0.1"), 1) }));
    }

    private static bool Trusts(ProxyProtocolOptions options, EndPoint? peer, EndPoint? local = null) =>
        options.Snapshot().Trust.Trusts(new DefaultConnectionContext { RemoteEndPoint = peer, LocalEndPoint = local });
}
