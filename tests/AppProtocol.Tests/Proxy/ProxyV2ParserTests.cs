using System.Net;
using System.Net.Sockets;
using AppProtocol.Fuzz;
using AppProtocol.Proxy;

namespace AppProtocol.Tests.Proxy;

/// <summary>The version 2 header's fixed part and addresses (specification 2.2), rule by rule.</summary>
public class ProxyV2ParserTests
{
    private static readonly IPEndPoint Client4 = new(IPAddress.Parse("203.0.113.7"), 51234);
    private static readonly IPEndPoint Server4 = new(IPAddress.Parse("198.51.100.1"), 443);
    private static readonly IPEndPoint Client6 = new(IPAddress.Parse("2001:db8::7"), 51234);
    private static readonly IPEndPoint Server6 = new(IPAddress.Parse("2001:db8::1"), 443);

    [Fact]
    public void Tcp_over_IPv4_names_the_client_and_the_destination()
    {
        ProxyHeader header = ProxyParse.Header(ProxyHeaderBuilder.V2Tcp(Client4, Server4));

        Assert.Equal((2, ProxyCommand.Proxy, AddressFamily.InterNetwork, SocketType.Stream), (header.Version, header.Command, header.AddressFamily, header.SocketType));
        Assert.Equal(Client4, header.Source);
        Assert.Equal(Server4, header.Destination);
        Assert.Equal(16 + 12, header.Length);
    }

    [Fact]
    public void Tcp_over_IPv6_names_the_client_and_the_destination()
    {
        ProxyHeader header = ProxyParse.Header(ProxyHeaderBuilder.V2Tcp(Client6, Server6));

        Assert.Equal(AddressFamily.InterNetworkV6, header.AddressFamily);
        Assert.Equal(Client6, header.Source);
        Assert.Equal(Server6, header.Destination);
        Assert.Equal(16 + 36, header.Length);
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x11)]
    [InlineData(0xFF)]
    public void Local_keeps_the_real_end_points_and_discards_its_block_whatever_its_family(byte family)
    {
        ProxyHeader header = ProxyParse.Header(ProxyHeaderBuilder.V2(0x20, family, [1, 2, 3, 0xFF, 0xFF]));

        Assert.Equal((ProxyCommand.Local, AddressFamily.Unspecified), (header.Command, header.AddressFamily));
        Assert.Null(header.Source);
        Assert.Equal(16 + 5, header.Length);
    }

    [Theory]
    [InlineData(0x00, 0, AddressFamily.Unspecified, SocketType.Unknown)]
    [InlineData(0x12, 12, AddressFamily.InterNetwork, SocketType.Dgram)]
    [InlineData(0x22, 36, AddressFamily.InterNetworkV6, SocketType.Dgram)]
    [InlineData(0x31, 216, AddressFamily.Unix, SocketType.Stream)]
    [InlineData(0x32, 216, AddressFamily.Unix, SocketType.Dgram)]
    public void Families_the_server_does_not_serve_fall_back_to_the_real_end_points(byte family, int addresses, AddressFamily addressFamily, SocketType socketType)
    {
        byte[] body = [.. Enumerable.Repeat((byte)0x41, addresses), .. ProxyHeaderBuilder.Tlv(ProxyHeaderBuilder.Authority, "example.com"u8)];

        ProxyHeader header = ProxyParse.Header(ProxyHeaderBuilder.V2(0x21, family, body));

        Assert.Equal((ProxyCommand.Proxy, addressFamily, socketType), (header.Command, header.AddressFamily, header.SocketType));
        Assert.Null(header.Source);
        Assert.Null(header.Destination);
        Assert.Equal("example.com", header.Authority);
    }

    [Fact]
    public void A_signature_with_one_byte_wrong_is_no_header()
    {
        byte[] header = ProxyHeaderBuilder.V2Tcp(Client4, Server4);
        for (int i = 0; i < 12; i++)
        {
            byte[] wrong = [.. header];
            wrong[i] ^= 0x01;
            Assert.Equal(ProxyProtocolError.ProxyHeaderMissing, ProxyParse.Error(wrong));
        }
    }

    [Fact]
    public void Bytes_that_are_no_header_are_refused_from_their_first_byte()
    {
        Assert.Equal(ProxyProtocolError.ProxyHeaderMissing, ProxyParse.Error(Server.Requests.Search("morpheus")));
        Assert.Equal(ProxyProtocolError.ProxyHeaderMissing, ProxyParse.Error("GET / HTTP/1.1\r\n"u8.ToArray()));
        Assert.Equal(ProxyProtocolError.ProxyHeaderMissing, ProxyParse.Error("PROXz"u8.ToArray()));
        Assert.Equal(ProxyProtocolError.ProxyHeaderMissing, ProxyParse.Error([0x16, 0x03, 0x01]));
    }

    [Theory]
    [InlineData(0x11)]
    [InlineData(0x01)]
    [InlineData(0x31)]
    [InlineData(0xF1)]
    public void The_version_must_be_2(byte versionCommand) =>
        Assert.Equal(ProxyProtocolError.V2BadVersion, ProxyParse.Error(ProxyHeaderBuilder.V2(versionCommand, 0x11, new byte[12])));

    [Theory]
    [InlineData(0x22)]
    [InlineData(0x2F)]
    public void The_command_must_be_LOCAL_or_PROXY(byte versionCommand) =>
        Assert.Equal(ProxyProtocolError.V2BadCommand, ProxyParse.Error(ProxyHeaderBuilder.V2(versionCommand, 0x11, new byte[12])));

    [Theory]
    [InlineData(0x01)]
    [InlineData(0x10)]
    [InlineData(0x13)]
    [InlineData(0x23)]
    [InlineData(0x40)]
    [InlineData(0xFF)]
    public void The_family_and_transport_must_be_one_of_the_seven_defined(byte family) =>
        Assert.Equal(ProxyProtocolError.V2BadFamily, ProxyParse.Error(ProxyHeaderBuilder.V2(0x21, family, new byte[216])));

    [Theory]
    [InlineData(0x11, 11)]
    [InlineData(0x12, 0)]
    [InlineData(0x21, 35)]
    [InlineData(0x21, 12)]
    [InlineData(0x31, 215)]
    public void The_length_must_hold_the_familys_addresses(byte family, int length)
    {
        Assert.Equal(ProxyProtocolError.V2AddressesTruncated, ProxyParse.Error(ProxyHeaderBuilder.V2(0x21, family, new byte[length])));

        // Decided from the 16 fixed bytes, before the addresses arrive.
        Assert.Equal(ProxyProtocolError.V2AddressesTruncated, ProxyParse.Error(ProxyHeaderBuilder.V2(0x21, family, [], length)));
    }

    [Fact]
    public void A_header_over_4_KiB_is_refused_as_soon_as_its_length_arrives()
    {
        Assert.Equal(ProxyProtocolError.V2HeaderTooLong, ProxyParse.Error(ProxyHeaderBuilder.V2(0x21, 0x11, [], ProxyHeaderParser.MaxV2HeaderLength - 16 + 1)));
        Assert.Equal(ProxyProtocolError.V2HeaderTooLong, ProxyParse.Error(ProxyHeaderBuilder.V2(0x20, 0x00, [], ushort.MaxValue)));
        Assert.True(ProxyParse.NeedsMore(ProxyHeaderBuilder.V2(0x21, 0x11, new byte[100], ProxyHeaderParser.MaxV2HeaderLength - 16)));
    }

    [Fact]
    public void A_header_of_exactly_4_KiB_is_accepted()
    {
        int padding = ProxyHeaderParser.MaxV2HeaderLength - 16 - 12 - 3;
        byte[] header = ProxyHeaderBuilder.V2Tcp(Client4, Server4, [ProxyHeaderBuilder.Tlv(ProxyHeaderBuilder.Noop, new byte[padding])]);

        Assert.Equal(ProxyHeaderParser.MaxV2HeaderLength, ProxyParse.Header(header).Length);
    }

    [Fact]
    public void The_bytes_after_the_header_are_not_consumed()
    {
        byte[] header = ProxyHeaderBuilder.V2Tcp(Client6, Server6, [ProxyHeaderBuilder.Tlv(ProxyHeaderBuilder.UniqueId, [1, 2, 3])], checksum: true);
        byte[] frame = Server.Requests.Search("morpheus");

        Assert.Equal(header.Length, ProxyParse.Header([.. header, .. frame]).Length);
        Assert.Equal(header.Length, ProxyParse.Header([.. header, .. header]).Length);
    }

    [Fact]
    public void A_header_missing_bytes_asks_for_them()
    {
        byte[] header = ProxyHeaderBuilder.V2Tcp(Client4, Server4, [ProxyHeaderBuilder.Tlv(ProxyHeaderBuilder.Alpn, "h2"u8)]);

        Assert.True(ProxyParse.NeedsMore(header[..^1]));
    }
}
