using System.Buffers.Binary;
using System.Text;
using AppProtocol.Fuzz;

namespace AppProtocol.Tests.Hostile;

/// <summary>Mutates fuzz inputs the way a fuzzer would, from a seeded <see cref="Random"/>, so that a run can be replayed exactly.</summary>
/// <remarks>Besides blind byte edits it knows the frame layout: it rewrites protoheaders and content-length values, which blind edits rarely reach.</remarks>
internal sealed class FrameMutator(Random random, IReadOnlyList<byte[]> corpus)
{
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0xC0, 0xEF, 0xF0, (byte)'{', (byte)'}', (byte)'"', (byte)'\\', (byte)',', (byte)':', (byte)'['];

    private static readonly string[] InterestingLengths =
    [
        "0", "1", "-1", "-0", "1.5", "41.0", "4.1e1", "1E2", "16777216", "16777217", "4611686018427387904",
        "9223372036854775807", "9223372036854775808", "99999999999999999999", "\"41\"", "null", "true", "[41]", "0x29", "041",
    ];

    private static ReadOnlySpan<byte> ContentLengthKey => "\"content-length\""u8;

    public byte[] Mutate(byte[] input)
    {
        byte[] result = input;
        int edits = 1 + random.Next(4);
        for (int i = 0; i < edits; i++)
        {
            result = random.Next(9) switch
            {
                0 => FlipBit(result),
                1 => SetInterestingByte(result),
                2 => InsertBytes(result),
                3 => DeleteBytes(result),
                4 => EditProtoheader(result),
                5 => EditContentLength(result),
                6 => Splice(result),
                7 => [.. result, .. FuzzInput.Decode(result).Stream],
                _ => SetControl(result),
            };
        }

        return result;
    }

    private byte[] FlipBit(byte[] input)
    {
        if (input.Length == 0)
        {
            return input;
        }

        byte[] copy = [.. input];
        copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        return copy;
    }

    private byte[] SetInterestingByte(byte[] input)
    {
        if (input.Length == 0)
        {
            return input;
        }

        byte[] copy = [.. input];
        copy[random.Next(copy.Length)] = InterestingBytes[random.Next(InterestingBytes.Length)];
        return copy;
    }

    private byte[] InsertBytes(byte[] input)
    {
        int at = random.Next(input.Length + 1);
        byte[] inserted = new byte[1 + random.Next(4)];
        random.NextBytes(inserted);
        return [.. input.AsSpan(0, at), .. inserted, .. input.AsSpan(at)];
    }

    private byte[] DeleteBytes(byte[] input)
    {
        if (input.Length == 0)
        {
            return input;
        }

        int at = random.Next(input.Length);
        int count = Math.Min(1 + random.Next(8), input.Length - at);
        return [.. input.AsSpan(0, at), .. input.AsSpan(at + count)];
    }

    // The first frame's protoheader sits right after the control byte and chunk sizes.
    private byte[] EditProtoheader(byte[] input)
    {
        int at = ProtoheaderOffset(input);
        if (at + 2 > input.Length)
        {
            return input;
        }

        byte[] copy = [.. input];
        int current = BinaryPrimitives.ReadUInt16BigEndian(copy.AsSpan(at));
        int value = random.Next(3) switch
        {
            0 => random.Next(ushort.MaxValue + 1),
            1 => Math.Clamp(current + random.Next(-8, 9), 0, ushort.MaxValue),
            _ => BinaryPrimitives.ReverseEndianness((ushort)current),
        };
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(at), (ushort)value);
        return copy;
    }

    // Replaces the first content-length value and fixes the protoheader, so that the edit reaches the length check.
    private byte[] EditContentLength(byte[] input)
    {
        int protoheader = ProtoheaderOffset(input);
        int key = input.AsSpan().IndexOf(ContentLengthKey);
        if (key < 0 || protoheader + 2 > input.Length)
        {
            return input;
        }

        int start = key + ContentLengthKey.Length;
        while (start < input.Length && input[start] is (byte)' ' or (byte)':')
        {
            start++;
        }

        int end = start;
        while (end < input.Length && input[end] is not ((byte)',' or (byte)'}'))
        {
            end++;
        }

        byte[] value = Encoding.ASCII.GetBytes(InterestingLengths[random.Next(InterestingLengths.Length)]);
        byte[] result = [.. input.AsSpan(0, start), .. value, .. input.AsSpan(end)];
        int headerLength = BinaryPrimitives.ReadUInt16BigEndian(input.AsSpan(protoheader)) + value.Length - (end - start);
        if (start > protoheader && headerLength is > 0 and <= ushort.MaxValue)
        {
            BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(protoheader), (ushort)headerLength);
        }

        return result;
    }

    private byte[] Splice(byte[] input)
    {
        byte[] other = corpus[random.Next(corpus.Count)];
        int cut = random.Next(input.Length + 1);
        int from = random.Next(other.Length + 1);
        return [.. input.AsSpan(0, cut), .. other.AsSpan(from)];
    }

    private byte[] SetControl(byte[] input)
    {
        if (input.Length == 0)
        {
            return [(byte)random.Next(256)];
        }

        byte[] copy = [.. input];
        copy[random.Next(Math.Min(copy.Length, 8))] = (byte)random.Next(256);
        return copy;
    }

    private static int ProtoheaderOffset(byte[] input) => input.Length == 0 ? 0 : 1 + (input[0] & 0x07);
}
