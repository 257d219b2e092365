using System.Net;
using System.Net.Sockets;
using AppProtocol.Fuzz;
using AppProtocol.Proxy;

namespace AppProtocol.Tests.Proxy;

/// <summary>The version 1 header (specification 2.1), rule by rule.</summary>
public class ProxyV1ParserTests
{
    [Fact]
    public void Tcp4_names_the_client_and_the_destination()
    {
        ProxyHeader header = ProxyParse.Header(ProxyHeaderBuilder.V1("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"));

        Assert.Equal((1, ProxyCommand.Proxy, AddressFamily.InterNetwork, SocketType.Stream), (header.Version, header.Command, header.AddressFamily, header.SocketType));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.168.0.1"), 56324), header.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.168.0.11"), 443), header.Destination);
        Assert.Equal(47, header.Length);
    }

    [Theory]
    [InlineData("2001:db8::1", "2001:db8::2")]
    [InlineData("::1", "::")]
    [InlineData("::ffff:10.0.0.1", "FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF")]
    [InlineData("1:2:3:4:5:6:7::", "1:2:3:4:5:6:1.2.3.4")]
    [InlineData("0:0:0:0:0:0:0:1", "fe80::abcd:0:1")]
    public void Tcp6_takes_every_canonical_IPv6_form(string source, string destination)
    {
        ProxyHeader header = ProxyParse.Header(ProxyHeaderBuilder.V1($"PROXY TCP6 {source} {destination} 0 65535\r\n"));

        Assert.Equal(AddressFamily.InterNetworkV6, header.AddressFamily);
        Assert.Equal(new IPEndPoint(IPAddress.Parse(source), 0), header.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse(destination), 65535), header.Destination);
    }

    [Theory]
    [InlineData("PROXY UNKNOWN\r\n")]
    [InlineData("PROXY UNKNOWN ffff:f::f:ffff ffff:f::f:ffff 65535 65535\r\n")]
    [InlineData("PROXY UNKNOWN anything \x01\x7F\xFF at all\r\n")]
    public void Unknown_ignores_the_rest_of_its_line_and_keeps_the_real_end_points(string line)
    {
        ProxyHeader header = ProxyParse.Header([.. line.Select(c => (byte)c)]);

        Assert.Equal((ProxyCommand.Proxy, AddressFamily.Unspecified), (header.Command, header.AddressFamily));
        Assert.Null(header.Source);
        Assert.Null(header.Destination);
        Assert.Equal(line.Length, header.Length);
    }

    [Fact]
    public void The_longest_line_is_107_bytes_with_its_CRLF()
    {
        string longest = "PROXY UNKNOWN " + new string('x', 107 - 16) + "\r\n";
        Assert.Equal(107, longest.Length);

        Assert.Equal(107, ProxyParse.Header(ProxyHeaderBuilder.V1(longest)).Length);
        Assert.Equal(ProxyProtocolError.V1LineTooLong, ProxyParse.Error(ProxyHeaderBuilder.V1("PROXY UNKNOWN " + new string('x', 107 - 15) + "\r\n")));
        Assert.Equal(ProxyProtocolError.V1LineTooLong, ProxyParse.Error(ProxyHeaderBuilder.V1("PROXY UNKNOWN " + new string('x', 300))));
    }

    [Fact]
    public void A_line_without_its_CRLF_yet_asks_for_more_bytes()
    {
        Assert.True(ProxyParse.NeedsMore(ProxyHeaderBuilder.V1("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r")));
        Assert.True(ProxyParse.NeedsMore(ProxyHeaderBuilder.V1("PROXY UNKNOWN " + new string('x', 91))));
    }

    [Theory]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rX\n")]
    [InlineData("PROXY TCP4 1.2.3.4\r5.6.7.8 1 2\r\n")]
    [InlineData("PROXY UNKNOWN a\nb\r\n")]
    [InlineData("PROXY\n")]
    public void A_lone_CR_or_LF_is_no_line_end(string line) =>
        Assert.Equal(ProxyProtocolError.V1BadLineEnd, ProxyParse.Error(ProxyHeaderBuilder.V1(line)));

    [Theory]
    [InlineData("PROXY\r\n")]
    [InlineData("PROXYTCP4 1.2.3.4 5.6.7.8 1 2\r\n")]
    [InlineData("PROXY  TCP4 1.2.3.4 5.6.7.8 1 2\r\n")]
    [InlineData("PROXY TCP4\r\n")]
    [InlineData("PROXY TCP4 \r\n")]
    [InlineData("PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4\t5.6.7.8 1 2\r\n")]
    public void Fields_are_separated_by_exactly_one_space_and_all_there(string line) =>
        Assert.Equal(ProxyProtocolError.V1BadSyntax, ProxyParse.Error(ProxyHeaderBuilder.V1(line)));

    [Theory]
    [InlineData("PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n")]
    [InlineData("PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n")]
    [InlineData("PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n")]
    [InlineData("PROXY UNKNOWNX\r\n")]
    [InlineData("PROXY unknown\r\n")]
    public void The_protocol_is_TCP4_TCP6_or_UNKNOWN(string line) =>
        Assert.Equal(ProxyProtocolError.V1UnknownProtocol, ProxyParse.Error(ProxyHeaderBuilder.V1(line)));

    [Theory]
    [InlineData("TCP4", "01.2.3.4")]
    [InlineData("TCP4", "1.2.3")]
    [InlineData("TCP4", "127.1")]
    [InlineData("TCP4", "1.2.3.4.5")]
    [InlineData("TCP4", "256.1.1.1")]
    [InlineData("TCP4", "1.2.3.-4")]
    [InlineData("TCP4", "0x7f.0.0.1")]
    [InlineData("TCP4", "1..2.3")]
    [InlineData("TCP4", "::1")]
    [InlineData("TCP6", "1.2.3.4")]
    [InlineData("TCP6", "1::2::3")]
    [InlineData("TCP6", ":::")]
    [InlineData("TCP6", ":1::")]
    [InlineData("TCP6", "1:2:3:4:5:6:7:")]
    [InlineData("TCP6", "12345::")]
    [InlineData("TCP6", "1:2:3:4:5:6:7:8:9")]
    [InlineData("TCP6", "1:2:3:4:5:6:7")]
    [InlineData("TCP6", "1:2:3:4:5:6:7:8::")]
    [InlineData("TCP6", "fe80::1%eth0")]
    [InlineData("TCP6", "[::1]")]
    [InlineData("TCP6", "::ffff:01.2.3.4")]
    [InlineData("TCP6", "1.2.3.4::")]
    [InlineData("TCP6", "::1.2.3.4:5")]
    [InlineData("TCP6", "g::1")]
    public void Addresses_are_canonical_for_their_family(string protocol, string address)
    {
        Assert.Equal(ProxyProtocolError.V1BadAddress, ProxyParse.Error(ProxyHeaderBuilder.V1($"PROXY {protocol} {address} {Valid(protocol)} 1 2\r\n")));
        Assert.Equal(ProxyProtocolError.V1BadAddress, ProxyParse.Error(ProxyHeaderBuilder.V1($"PROXY {protocol} {Valid(protocol)} {address} 1 2\r\n")));
    }

    [Theory]
    [InlineData("01")]
    [InlineData("00")]
    [InlineData("65536")]
    [InlineData("99999")]
    [InlineData("100000")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1a")]
    [InlineData("0x10")]
    public void Ports_are_decimal_0_to_65535_without_leading_zeros(string port)
    {
        Assert.Equal(ProxyProtocolError.V1BadPort, ProxyParse.Error(ProxyHeaderBuilder.V1($"PROXY TCP4 1.2.3.4 5.6.7.8 {port} 2\r\n")));
        Assert.Equal(ProxyProtocolError.V1BadPort, ProxyParse.Error(ProxyHeaderBuilder.V1($"PROXY TCP4 1.2.3.4 5.6.7.8 1 {port}\r\n")));
    }

    [Fact]
    public void Edge_values_are_accepted()
    {
        ProxyHeader header = ProxyParse.Header(ProxyHeaderBuilder.V1("PROXY TCP4 0.0.0.0 255.255.255.255 0 65535\r\n"));

        Assert.Equal(new IPEndPoint(IPAddress.Any, 0), header.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Broadcast, 65535), header.Destination);
    }

    [Fact]
    public void The_bytes_after_the_line_are_not_consumed()
    {
        byte[] line = ProxyHeaderBuilder.V1("PROXY TCP4 10.0.0.1 10.0.0.2 1000 2000\r\n");
        byte[] frame = Server.Requests.Search("morpheus");

        ProxyHeader header = ProxyParse.Header([.. line, .. frame]);

        Assert.Equal(line.Length, header.Length);
    }

    private static string Valid(string protocol) => protocol == "TCP4" ? "9.9.9.9" : "::9";
}
