using System.Net;
using AppProtocol.Fuzz;
using static AppProtocol.Fuzz.ProxyHeaderBuilder;

namespace AppProtocol.Tests.Proxy;

/// <summary>Headers whole or in pieces: every split gives the same outcome, and the bytes after the header stay the next protocol's.</summary>
public class ProxyChunkingTests
{
    private static readonly byte[] Frame = Server.Requests.Search("morpheus");

    public static TheoryData<string, byte[]> Headers() => new()
    {
        { "v1 tcp4", V1("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n") },
        { "v1 tcp6", V1("PROXY TCP6 2001:db8::1 ::ffff:10.0.0.1 1 65535\r\n") },
        { "v1 unknown", V1("PROXY UNKNOWN\r\n") },
        { "v2 tcp4", V2Tcp(new(IPAddress.Parse("10.1.2.3"), 4000), new(IPAddress.Parse("10.0.0.1"), 6543)) },
        { "v2 tcp6 tlvs crc", V2Tcp(new(IPAddress.IPv6Loopback, 1), new(IPAddress.Parse("fd00::1"), 2), [Tlv(Alpn, "h2"u8), Tlv(Ssl, SslValue(1, 0, Tlv(0x21, "TLSv1.3"u8))), Tlv(Noop, new byte[40])], checksum: true) },
        { "v2 local", V2(0x20, 0x00, []) },
        { "v2 unix", V2(0x21, 0x31, new byte[216]) },
        { "bad v1 port", V1("PROXY TCP4 1.2.3.4 5.6.7.8 65536 1\r\n") },
        { "bad v2 crc", [.. V2Tcp(new(IPAddress.Loopback, 1), new(IPAddress.Loopback, 2), checksum: true).AsSpan(0, 28), .. Tlv(Crc, [1, 2, 3, 4])] },
        { "bad v2 family", V2(0x21, 0x41, []) },
    };

    [Theory]
    [MemberData(nameof(Headers))]
    public void Every_split_point_gives_the_same_outcome_with_the_frame_after_it_left_unread(string name, byte[] header)
    {
        byte[] stream = [.. header, .. Frame];
        ProxyParseOutcome whole = ProxyParse.Outcome(new System.Buffers.ReadOnlySequence<byte>(stream));

        if (whole.Header is not null)
        {
            Assert.Equal(header.Length, whole.Consumed);
            Assert.Equal(header.Length, ProxyParse.Header(stream).Length);
        }
        else
        {
            Assert.True(whole.Error is not null, name);
            ProxyParse.Error(stream);
        }
    }

    [Theory]
    [MemberData(nameof(Headers))]
    public void The_fuzz_target_keeps_its_properties_on_every_chunking(string name, byte[] header)
    {
        byte[][] chunkings = [[], [0], [0, 1, 5], [2, 30], [0xFF], [6, 0, 0, 10, 3, 200, 1]];
        foreach (byte[] chunking in chunkings)
        {
            ProxyParseOutcome? outcome = ProxyFuzzTarget.Run(FuzzInput.Encode([.. header, .. Frame], chunking));

            Assert.True(outcome is { IsIncomplete: false }, name);
        }
    }
}
