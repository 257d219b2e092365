using System.Net;
using AppProtocol.Fuzz;
using static AppProtocol.Fuzz.ProxyHeaderBuilder;

/// <summary>Writes the PROXY header target's seed corpus: good headers of every kind, whole and in awkward chunks, with a frame after some, and one input per rule broken.</summary>
internal static class ProxySeedCorpus
{
    private static readonly IPEndPoint Client4 = new(IPAddress.Parse("203.0.113.7"), 51234);
    private static readonly IPEndPoint Server4 = new(IPAddress.Parse("198.51.100.1"), 443);
    private static readonly IPEndPoint Client6 = new(IPAddress.Parse("2001:db8::7"), 1);
    private static readonly IPEndPoint Server6 = new(IPAddress.Parse("::ffff:10.0.0.1"), 65535);

    // A frame after the header, as a client sends it: {"action": "search", "value": "morpheus"} in the reference's layout.
    private static readonly byte[] Frame = MakeFrame("""{"action": "search", "value": "morpheus"}"""u8);

    public static int Write(string folder)
    {
        Directory.CreateDirectory(folder);
        byte[] ssl = SslValue(0x07, 0, Tlv(0x21, "TLSv1.3"u8), Tlv(0x22, "client.example"u8), Tlv(0x23, "TLS_AES_128_GCM_SHA256"u8));
        byte[][] tlvs = [Tlv(Alpn, "h2"u8), Tlv(Authority, "api.example.com"u8), Tlv(UniqueId, [1, 2, 3, 4]), Tlv(Ssl, ssl), Tlv(NetNs, "blue"u8), Tlv(0xEA, "vpce-1"u8), Tlv(Noop, [0, 0])];
        Save(folder, "v1-tcp4", V1("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"), [0xFF]);
        Save(folder, "v1-tcp4-frame-bytewise", [.. V1("PROXY TCP4 10.0.0.1 10.0.0.2 1 2\r\n"), .. Frame], []);
        Save(folder, "v1-tcp6", V1("PROXY TCP6 2001:db8::7 ::ffff:10.0.0.1 0 65535\r\n"), [4, 0, 30]);
        Save(folder, "v1-unknown", V1("PROXY UNKNOWN\r\n"), [0xFF]);
        Save(folder, "v1-unknown-longest", V1("PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n"), [5, 100]);
        Save(folder, "v2-tcp4", V2Tcp(Client4, Server4), [0xFF]);
        Save(folder, "v2-tcp4-frame-split", [.. V2Tcp(Client4, Server4), .. Frame], [11, 0, 3, 14]);
        Save(folder, "v2-tcp6-tlvs-crc", V2Tcp(Client6, Server6, tlvs, checksum: true), [0xFF]);
        Save(folder, "v2-tcp6-tlvs-crc-bytewise", V2Tcp(Client6, Server6, tlvs, checksum: true), []);
        Save(folder, "v2-local", V2(0x20, 0x00, []), [0xFF]);
        Save(folder, "v2-unspec", V2(0x21, 0x00, Tlv(Authority, "a"u8)), [0xFF]);
        Save(folder, "v2-unix", V2(0x21, 0x31, new byte[216]), [0xFF]);
        Save(folder, "v2-udp4", V2(0x21, 0x12, new byte[12]), [0xFF]);
        Save(folder, "bad-missing-frame", Frame, [0xFF]);
        Save(folder, "bad-v1-line-too-long", V1("PROXY UNKNOWN " + new string('x', 100) + "\r\n"), [0xFF]);
        Save(folder, "bad-v1-lone-lf", V1("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n"), [0xFF]);
        Save(folder, "bad-v1-double-space", V1("PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n"), [0xFF]);
        Save(folder, "bad-v1-protocol", V1("PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n"), [0xFF]);
        Save(folder, "bad-v1-address", V1("PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n"), [0xFF]);
        Save(folder, "bad-v1-port", V1("PROXY TCP6 ::1 ::2 65536 2\r\n"), [0xFF]);
        Save(folder, "bad-v2-version", V2(0x11, 0x11, new byte[12]), [0xFF]);
        Save(folder, "bad-v2-command", V2(0x22, 0x11, new byte[12]), [0xFF]);
        Save(folder, "bad-v2-family", V2(0x21, 0x13, new byte[12]), [0xFF]);
        Save(folder, "bad-v2-addresses-truncated", V2(0x21, 0x21, new byte[35]), [0xFF]);
        Save(folder, "bad-v2-too-long", V2(0x21, 0x11, new byte[12], 0xFFFF), [0xFF]);
        Save(folder, "bad-v2-tlv-overrun", [.. V2Tcp(Client4, Server4, [[Alpn, 0x00, 0x09, (byte)'h', (byte)'2']])], [0xFF]);
        Save(folder, "bad-v2-unique-id", V2Tcp(Client4, Server4, [Tlv(UniqueId, new byte[129])]), [0xFF]);
        Save(folder, "bad-v2-duplicate", V2Tcp(Client4, Server4, [Tlv(Alpn, "h2"u8), Tlv(Alpn, "h2"u8)]), [0xFF]);
        byte[] corrupted = V2Tcp(Client4, Server4, tlvs, checksum: true);
        corrupted[17] ^= 0x01;
        Save(folder, "bad-v2-checksum", corrupted, [0xFF]);
        Console.WriteLine($"Wrote the PROXY header seed corpus to {folder}.");
        return 0;
    }

    private static byte[] MakeFrame(ReadOnlySpan<byte> content)
    {
        byte[] header = System.Text.Encoding.UTF8.GetBytes($$"""{"byteorder": "little", "content-type": "text/json", "content-encoding": "utf-8", "content-length": {{content.Length}}}""");
        return [(byte)(header.Length >> 8), (byte)header.Length, .. header, .. content];
    }

    private static void Save(string folder, string name, byte[] stream, byte[] chunkSizes) =>
        File.WriteAllBytes(Path.Combine(folder, name + ".bin"), FuzzInput.Encode(stream, chunkSizes));
}
