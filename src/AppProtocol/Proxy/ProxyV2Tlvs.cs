using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace AppProtocol.Proxy;

/// <summary>The TLVs the server reads from a version 2 header (specification 2.2.1 to 2.2.7); the others are skipped.</summary>
/// <remarks>
/// Two passes: the first checks that every TLV fits and verifies the CRC32C if there is one, so that a corrupted
/// header is reported as such; the second reads ALPN, AUTHORITY, UNIQUE_ID and SSL. NOOP, NETNS and every other type
/// (the custom and experimental ranges included) are skipped. A type the server reads may appear once.
/// </remarks>
internal static class ProxyV2Tlvs
{
    public const int MaxUniqueIdLength = 128;

    private const byte Alpn = 0x01;
    private const byte Authority = 0x02;
    private const byte Checksum = 0x03;
    private const byte UniqueId = 0x05;
    private const byte Ssl = 0x20;

    private const byte SslVersion = 0x21;
    private const byte SslCommonName = 0x22;
    private const byte SslCipher = 0x23;
    private const byte SslSignatureAlgorithm = 0x24;
    private const byte SslKeyAlgorithm = 0x25;
    private const int SslFixedLength = 5;

    /// <summary>Reads the TLVs from <paramref name="start"/> to the end of the whole <paramref name="header"/>.</summary>
    public static ProxyTlvValues Read(ReadOnlySpan<byte> header, int start)
    {
        bool hasChecksum = VerifyChecksum(header, start);
        var values = new ProxyTlvValues { HasChecksum = hasChecksum };
        ulong seen = 0;
        var tlvs = new ProxyTlvEnumerator(header[start..], "TLV");
        while (tlvs.MoveNext())
        {
            switch (tlvs.Type)
            {
                case Alpn:
                    Once(ref seen, tlvs.Type, "TLV");
                    values.Alpn = tlvs.Value.ToArray();
                    break;
                case Authority:
                    Once(ref seen, tlvs.Type, "TLV");
                    values.Authority = Text(tlvs.Value, "AUTHORITY");
                    break;
                case UniqueId:
                    Once(ref seen, tlvs.Type, "TLV");
                    values.UniqueId = tlvs.Value.Length <= MaxUniqueIdLength
                        ? tlvs.Value.ToArray()
                        : throw Fail(ProxyProtocolError.V2BadTlv, $"The PROXY header's UNIQUE_ID TLV is {tlvs.Value.Length} bytes, more than {MaxUniqueIdLength}.");
                    break;
                case Ssl:
                    Once(ref seen, tlvs.Type, "TLV");
                    values.Ssl = ReadSsl(tlvs.Value);
                    break;
                default:
                    // CRC32C (verified above), NOOP, NETNS, and the types the server does not use.
                    break;
            }
        }

        return values;
    }

    // Checks that the TLVs fit and verifies the checksum if one is there; true when it was.
    private static bool VerifyChecksum(ReadOnlySpan<byte> header, int start)
    {
        int at = -1;
        var tlvs = new ProxyTlvEnumerator(header[start..], "TLV");
        while (tlvs.MoveNext())
        {
            if (tlvs.Type != Checksum)
            {
                continue;
            }

            if (at >= 0)
            {
                throw Fail(ProxyProtocolError.V2DuplicateTlv, "The PROXY header has two CRC32C TLVs.");
            }

            at = tlvs.Value.Length == sizeof(uint)
                ? start + tlvs.ValueOffset
                : throw Fail(ProxyProtocolError.V2BadTlv, $"The PROXY header's CRC32C TLV is {tlvs.Value.Length} bytes, not 4.");
        }

        if (at < 0)
        {
            return false;
        }

        // The checksum of the whole header with the checksum's own 4 bytes as zeros.
        uint crc = Crc32C.Append(Crc32C.Seed, header[..at]);
        crc = Crc32C.Append(crc, [0, 0, 0, 0]);
        crc = ~Crc32C.Append(crc, header[(at + sizeof(uint))..]);
        uint expected = BinaryPrimitives.ReadUInt32BigEndian(header[at..]);
        return crc == expected
            ? true
            : throw Fail(ProxyProtocolError.V2ChecksumMismatch, $"The PROXY header's CRC32C is 0x{expected:X8}; its bytes give 0x{crc:X8}.");
    }

    private static ProxySslInfo ReadSsl(ReadOnlySpan<byte> value)
    {
        if (value.Length < SslFixedLength)
        {
            throw Fail(ProxyProtocolError.V2BadTlv, $"The PROXY header's SSL TLV is {value.Length} bytes, fewer than the 5 of its client and verify fields.");
        }

        var ssl = new SslTexts();
        var subs = new ProxyTlvEnumerator(value[SslFixedLength..], "SSL sub-TLV");
        while (subs.MoveNext())
        {
            switch (subs.Type)
            {
                case SslVersion:
                    ssl.Version = ssl.Read(subs, ssl.Version);
                    break;
                case SslCommonName:
                    ssl.CommonName = ssl.Read(subs, ssl.CommonName);
                    break;
                case SslCipher:
                    ssl.Cipher = ssl.Read(subs, ssl.Cipher);
                    break;
                case SslSignatureAlgorithm:
                    ssl.SignatureAlgorithm = ssl.Read(subs, ssl.SignatureAlgorithm);
                    break;
                case SslKeyAlgorithm:
                    ssl.KeyAlgorithm = ssl.Read(subs, ssl.KeyAlgorithm);
                    break;
                default:
                    break;
            }
        }

        return new ProxySslInfo(value[0], BinaryPrimitives.ReadUInt32BigEndian(value[1..]))
        {
            Version = ssl.Version,
            CommonName = ssl.CommonName,
            Cipher = ssl.Cipher,
            SignatureAlgorithm = ssl.SignatureAlgorithm,
            KeyAlgorithm = ssl.KeyAlgorithm,
        };
    }

    private static void Once(ref ulong seen, byte type, string what)
    {
        ulong bit = 1UL << (type & 63);
        if ((seen & bit) != 0)
        {
            throw Fail(ProxyProtocolError.V2DuplicateTlv, $"The PROXY header has two {what}s of type 0x{type:X2}.");
        }

        seen |= bit;
    }

    private static string Text(ReadOnlySpan<byte> value, string what) =>
        Utf8.IsValid(value) ? Encoding.UTF8.GetString(value) : throw Fail(ProxyProtocolError.V2BadTlv, $"The PROXY header's {what} is not UTF-8.");

    private static ProxyProtocolException Fail(ProxyProtocolError error, string message) => new(error, message);

    // The SSL TLV's texts, each allowed once.
    private struct SslTexts
    {
        public string? Version;
        public string? CommonName;
        public string? Cipher;
        public string? SignatureAlgorithm;
        public string? KeyAlgorithm;

        public readonly string Read(in ProxyTlvEnumerator sub, string? current) =>
            current is null
                ? Text(sub.Value, $"SSL sub-TLV 0x{sub.Type:X2}")
                : throw Fail(ProxyProtocolError.V2DuplicateTlv, $"The PROXY header has two SSL sub-TLVs of type 0x{sub.Type:X2}.");
    }
}
