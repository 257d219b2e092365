using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace AppProtocol.Fuzz;

/// <summary>Writes PROXY protocol headers, right or deliberately wrong, for the seed corpus and the tests; its CRC32C is its own (bitwise), not the library's.</summary>
public static class ProxyHeaderBuilder
{
    /// <summary>TLV types of the specification (2.2).</summary>
    public const byte Alpn = 0x01, Authority = 0x02, Crc = 0x03, Noop = 0x04, UniqueId = 0x05, Ssl = 0x20, NetNs = 0x30;

    /// <summary>The version 2 signature.</summary>
    public static ReadOnlySpan<byte> Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>A version 1 line: the text as ASCII (add the CRLF yourself, or not).</summary>
    /// <param name="line">The line.</param>
    /// <returns>Its bytes.</returns>
    public static byte[] V1(string line) => Encoding.ASCII.GetBytes(line);

    /// <summary>A TLV: type, 2-byte big-endian length, value.</summary>
    /// <param name="type">The type.</param>
    /// <param name="value">The value.</param>
    /// <returns>Its bytes.</returns>
    public static byte[] Tlv(byte type, ReadOnlySpan<byte> value) => [type, (byte)(value.Length >> 8), (byte)value.Length, .. value];

    /// <summary>The SSL TLV's value: client, verify, then sub-TLVs.</summary>
    /// <param name="client">The client bit field.</param>
    /// <param name="verify">The verify field.</param>
    /// <param name="subTlvs">The sub-TLVs, each made with <see cref="Tlv"/>.</param>
    /// <returns>The value.</returns>
    public static byte[] SslValue(byte client, uint verify, params byte[][] subTlvs)
    {
        byte[] fixedPart = [client, 0, 0, 0, 0];
        BinaryPrimitives.WriteUInt32BigEndian(fixedPart.AsSpan(1), verify);
        return [.. fixedPart, .. subTlvs.SelectMany(t => t)];
    }

    /// <summary>A version 2 header with any bytes in its fields; the length is what follows the 16 fixed bytes unless given.</summary>
    /// <param name="versionCommand">The 13th byte (0x21 is version 2, PROXY).</param>
    /// <param name="family">The 14th byte (0x11 is TCP over IPv4).</param>
    /// <param name="body">The addresses and TLVs.</param>
    /// <param name="length">The length field, or <see langword="null"/> for the body's length.</param>
    /// <returns>The header.</returns>
    public static byte[] V2(byte versionCommand, byte family, ReadOnlySpan<byte> body, int? length = null)
    {
        int announced = length ?? body.Length;
        return [.. Signature, versionCommand, family, (byte)(announced >> 8), (byte)announced, .. body];
    }

    /// <summary>A version 2 PROXY header for TCP over IPv4 or IPv6 (the family of <paramref name="source"/>), with TLVs and, if asked, a CRC32C TLV last.</summary>
    /// <param name="source">The original client.</param>
    /// <param name="destination">Where it connected; the same family.</param>
    /// <param name="tlvs">TLVs, each made with <see cref="Tlv"/>.</param>
    /// <param name="checksum">Whether to append a correct CRC32C TLV.</param>
    /// <returns>The header.</returns>
    public static byte[] V2Tcp(IPEndPoint source, IPEndPoint destination, byte[][]? tlvs = null, bool checksum = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        bool v4 = source.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        byte[] ports = new byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(ports, (ushort)source.Port);
        BinaryPrimitives.WriteUInt16BigEndian(ports.AsSpan(2), (ushort)destination.Port);
        byte[] body = [.. source.Address.GetAddressBytes(), .. destination.Address.GetAddressBytes(), .. ports, .. (tlvs ?? []).SelectMany(t => t)];
        byte[] header = V2(0x21, v4 ? (byte)0x11 : (byte)0x21, body);
        return checksum ? WithChecksum(header) : header;
    }

    /// <summary>Appends a CRC32C TLV to a version 2 header, fixing its length, with the checksum the specification asks for.</summary>
    /// <param name="header">A version 2 header whose length field is right.</param>
    /// <returns>The header with the TLV.</returns>
    public static byte[] WithChecksum(ReadOnlySpan<byte> header)
    {
        byte[] result = [.. header, .. Tlv(Crc, [0, 0, 0, 0])];
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(14), (ushort)(result.Length - 16));
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(result.Length - 4), Crc32CChecksum(result));
        return result;
    }

    /// <summary>CRC32C (Castagnoli, reflected polynomial 0x82F63B78), bit by bit.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The checksum.</returns>
    public static uint Crc32CChecksum(ReadOnlySpan<byte> data)
    {
        uint crc = uint.MaxValue;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }
}
