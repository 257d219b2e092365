using System.Buffers.Binary;
using System.Numerics;

namespace AppProtocol.Proxy;

/// <summary>CRC32C (Castagnoli, RFC 4960 appendix B) on the processor's instruction where it has one.</summary>
internal static class Crc32C
{
    public const uint Seed = uint.MaxValue;

    /// <summary>Continues a checksum over more bytes; start from <see cref="Seed"/>, finish with a bitwise not.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }
}
