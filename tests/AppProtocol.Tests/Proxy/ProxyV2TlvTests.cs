using System.Net;
using AppProtocol.Proxy;
using static AppProtocol.Fuzz.ProxyHeaderBuilder;

namespace AppProtocol.Tests.Proxy;

/// <summary>The version 2 header's TLVs (specification 2.2.1 to 2.2.8), rule by rule.</summary>
public class ProxyV2TlvTests
{
    private static readonly IPEndPoint Client = new(IPAddress.Parse("203.0.113.7"), 51234);
    private static readonly IPEndPoint Server = new(IPAddress.Parse("198.51.100.1"), 443);

    private static byte[] Header(params byte[][] tlvs) => V2Tcp(Client, Server, tlvs);

    // Addresses and ports are 12 bytes after the 16 fixed ones.
    private static byte[] WithRawTlvBytes(params byte[] tlvBytes) => V2(0x21, 0x11, [.. V2Tcp(Client, Server).AsSpan(16), .. tlvBytes]);

    [Fact]
    public void The_TLVs_the_server_reads_are_parsed()
    {
        byte[] ssl = SslValue(0x07, 0, Tlv(0x21, "TLSv1.3"u8), Tlv(0x22, "client.example"u8), Tlv(0x23, "TLS_AES_128_GCM_SHA256"u8), Tlv(0x24, "RSA-SHA256"u8), Tlv(0x25, "RSA2048"u8));

        ProxyHeader header = ProxyParse.Header(Header(Tlv(Alpn, "h2"u8), Tlv(Authority, "api.example.com"u8), Tlv(UniqueId, [9, 8, 7]), Tlv(Ssl, ssl)));

        Assert.Equal("h2"u8.ToArray(), header.Alpn.ToArray());
        Assert.Equal("api.example.com", header.Authority);
        Assert.Equal([9, 8, 7], header.UniqueId.ToArray());
        ProxySslInfo info = Assert.IsType<ProxySslInfo>(header.Ssl);
        Assert.True(info.IsTls);
        Assert.True(info.ClientCertificateVerified);
        Assert.Equal(("TLSv1.3", "client.example", "TLS_AES_128_GCM_SHA256", "RSA-SHA256", "RSA2048"), (info.Version, info.CommonName, info.Cipher, info.SignatureAlgorithm, info.KeyAlgorithm));
        Assert.False(header.HasChecksum);
    }

    [Fact]
    public void An_unverified_certificate_and_no_TLS_read_as_such()
    {
        ProxySslInfo tls = ProxyParse.Header(Header(Tlv(Ssl, SslValue(0x03, 1)))).Ssl!;
        ProxySslInfo plain = ProxyParse.Header(Header(Tlv(Ssl, SslValue(0x00, 1)))).Ssl!;

        Assert.True(tls.IsTls);
        Assert.False(tls.ClientCertificateVerified);
        Assert.False(plain.IsTls);
        Assert.Null(plain.Version);
    }

    [Fact]
    public void Noop_netns_custom_and_unknown_TLVs_are_skipped()
    {
        ProxyHeader header = ProxyParse.Header(Header(
            Tlv(Noop, new byte[7]), Tlv(NetNs, "blue"u8), Tlv(0xE0, [0xFF, 0x00]), Tlv(0xEA, "vpce-0123"u8), Tlv(0xF8, []), Tlv(0x99, new byte[300]), Tlv(Alpn, "x"u8), Tlv(Noop, [])));

        Assert.Equal("x"u8.ToArray(), header.Alpn.ToArray());
        Assert.Null(header.Authority);
        Assert.True(header.UniqueId.IsEmpty);
    }

    [Fact]
    public void Unknown_SSL_sub_TLVs_are_skipped()
    {
        ProxySslInfo ssl = ProxyParse.Header(Header(Tlv(Ssl, SslValue(0x01, 0, Tlv(0x7E, [1, 2]), Tlv(0x21, "TLSv1.2"u8))))).Ssl!;

        Assert.Equal("TLSv1.2", ssl.Version);
    }

    [Theory]
    [InlineData(new byte[] { 0x04 })]
    [InlineData(new byte[] { 0x04, 0x00 })]
    [InlineData(new byte[] { 0x04, 0x00, 0x01 })]
    [InlineData(new byte[] { 0x04, 0x00, 0x05, 1, 2, 3, 4 })]
    [InlineData(new byte[] { 0x99, 0xFF, 0xFF, 0 })]
    public void A_TLV_that_runs_past_the_header_is_malformed(byte[] tlvBytes) =>
        Assert.Equal(ProxyProtocolError.V2TlvOverrun, ProxyParse.Error(WithRawTlvBytes(tlvBytes)));

    [Fact]
    public void An_SSL_sub_TLV_that_runs_past_its_TLV_is_malformed()
    {
        byte[] ssl = [.. SslValue(0x01, 0), 0x21, 0x00, 0x09, (byte)'T', (byte)'L', (byte)'S'];

        Assert.Equal(ProxyProtocolError.V2TlvOverrun, ProxyParse.Error(Header(Tlv(Ssl, ssl), Tlv(Noop, new byte[20]))));
    }

    [Fact]
    public void Values_the_server_reads_are_checked()
    {
        Assert.Equal(ProxyProtocolError.V2BadTlv, ProxyParse.Error(Header(Tlv(Ssl, [0x01, 0, 0, 0]))));
        Assert.Equal(ProxyProtocolError.V2BadTlv, ProxyParse.Error(Header(Tlv(UniqueId, new byte[129]))));
        Assert.Equal(128, ProxyParse.Header(Header(Tlv(UniqueId, new byte[128]))).UniqueId.Length);
        Assert.Equal(ProxyProtocolError.V2BadTlv, ProxyParse.Error(Header(Tlv(Authority, [0x61, 0xC3, 0x28]))));
        Assert.Equal(ProxyProtocolError.V2BadTlv, ProxyParse.Error(Header(Tlv(Ssl, SslValue(0x01, 0, Tlv(0x22, [0xFF]))))));
        Assert.Equal(ProxyProtocolError.V2BadTlv, ProxyParse.Error(Header(Tlv(Crc, [0, 0, 0]))));
    }

    [Fact]
    public void A_TLV_the_server_reads_may_appear_once()
    {
        Assert.Equal(ProxyProtocolError.V2DuplicateTlv, ProxyParse.Error(Header(Tlv(Alpn, "h2"u8), Tlv(Alpn, "h2"u8))));
        Assert.Equal(ProxyProtocolError.V2DuplicateTlv, ProxyParse.Error(Header(Tlv(Authority, "a"u8), Tlv(Noop, []), Tlv(Authority, "b"u8))));
        Assert.Equal(ProxyProtocolError.V2DuplicateTlv, ProxyParse.Error(Header(Tlv(Ssl, SslValue(1, 0)), Tlv(Ssl, SslValue(1, 0)))));
        Assert.Equal(ProxyProtocolError.V2DuplicateTlv, ProxyParse.Error(Header(Tlv(Ssl, SslValue(1, 0, Tlv(0x21, ""u8), Tlv(0x21, "TLSv1.3"u8))))));
        Assert.Equal(ProxyProtocolError.V2DuplicateTlv, ProxyParse.Error(WithChecksum(WithChecksum(Header()))));

        // Skipped types may repeat.
        ProxyParse.Header(Header(Tlv(Noop, []), Tlv(Noop, []), Tlv(0xE1, []), Tlv(0xE1, [])));
    }

    [Fact]
    public void A_checksum_that_matches_is_verified()
    {
        ProxyHeader header = ProxyParse.Header(WithChecksum(Header(Tlv(Authority, "api.example.com"u8))));

        Assert.True(header.HasChecksum);
        Assert.Equal("api.example.com", header.Authority);
    }

    [Fact]
    public void A_checksum_anywhere_among_the_TLVs_covers_the_whole_header()
    {
        byte[] header = V2Tcp(Client, Server, [Tlv(Crc, [0, 0, 0, 0]), Tlv(Alpn, "h2"u8)]);
        uint crc = Crc32CChecksum(header);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(16 + 12 + 3), crc);

        Assert.True(ProxyParse.Header(header).HasChecksum);
    }

    [Fact]
    public void Any_byte_changed_under_a_checksum_is_a_mismatch_even_where_a_value_then_breaks_a_rule()
    {
        byte[] header = WithChecksum(Header(Tlv(Authority, "api.example.com"u8)));
        int[] positions = [16, 20, 27, 16 + 12 + 3, header.Length - 1];
        foreach (int at in positions)
        {
            byte[] changed = [.. header];
            changed[at] ^= 0x80;
            Assert.Equal(ProxyProtocolError.V2ChecksumMismatch, ProxyParse.Error(changed));
        }
    }

    [Fact]
    public void The_test_checksum_is_CRC32C()
    {
        Assert.Equal(0xE3069283u, Crc32CChecksum("123456789"u8));
        byte[] data = [.. Enumerable.Range(0, 1000).Select(i => (byte)(i * 7))];
        Assert.Equal(Crc32CChecksum(data), ~AppProtocol.Proxy.Crc32C.Append(AppProtocol.Proxy.Crc32C.Seed, data));
    }

    [Fact]
    public void Local_ignores_its_TLVs_even_malformed_ones() =>
        Assert.Equal(ProxyCommand.Local, ProxyParse.Header(V2(0x20, 0x00, [0x04, 0xFF, 0xFF])).Command);
}
