using System.Text;

namespace AppProtocol.Tests.Proxy;

/// <summary>Mutates PROXY header fuzz inputs as a fuzzer would, from a seeded <see cref="Random"/>, so that a run can be replayed exactly.</summary>
/// <remarks>Besides blind byte edits it knows the layout: version 2's version, family and length bytes, and version 1's space-separated tokens, which blind edits rarely reach.</remarks>
internal sealed class ProxyMutator(Random random, IReadOnlyList<byte[]> corpus)
{
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x0D, 0x0A, 0x20, 0x21, 0x11, 0x12, 0x22, 0x31, 0x32, 0x7F, 0x80, 0xFF, (byte)':', (byte)'.'];

    private static readonly byte[] V2FamilyBytes = [0x00, 0x10, 0x11, 0x12, 0x13, 0x21, 0x22, 0x31, 0x32, 0x40, 0xFF];

    private static readonly byte[] V2VersionBytes = [0x20, 0x21, 0x22, 0x2F, 0x11, 0x01, 0x31];

    // Lengths at the rules' edges: none, the families' addresses, the 4 KiB limit, the field's maximum.
    private static readonly int[] InterestingLengths = [0, 11, 12, 35, 36, 215, 216, 4079, 4080, 4081, 65535];

    private static readonly string[] InterestingTokens =
    [
        "TCP4", "TCP6", "UNKNOWN", "TCP5", "0", "65535", "65536", "01", "00", "-1", "1.2.3.4", "01.2.3.4", "256.0.0.1", "1.2.3",
        "::1", "::", "::ffff:1.2.3.4", "1::2::3", ":::", "fe80::1%1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "", " ", "\r", "\n", "\r\n",
    ];

    public byte[] Mutate(byte[] input)
    {
        byte[] result = input;
        int edits = 1 + random.Next(3);
        for (int i = 0; i < edits; i++)
        {
            result = random.Next(9) switch
            {
                0 => FlipBit(result),
                1 => SetByte(result, InterestingBytes),
                2 => InsertBytes(result),
                3 => DeleteBytes(result),
                4 => EditV2Byte(result),
                5 => EditV2Length(result),
                6 => ReplaceV1Token(result),
                7 => Splice(result),
                _ => SetControl(result),
            };
        }

        return result;
    }

    private static int StreamOffset(byte[] input) => input.Length == 0 ? 0 : Math.Min(input.Length, 1 + (input[0] & 0x07));

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

    private byte[] SetByte(byte[] input, byte[] values)
    {
        if (input.Length == 0)
        {
            return input;
        }

        byte[] copy = [.. input];
        copy[random.Next(copy.Length)] = values[random.Next(values.Length)];
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

    // The 13th or 14th byte of the stream: version and command, or family and transport.
    private byte[] EditV2Byte(byte[] input)
    {
        int at = StreamOffset(input) + 12 + random.Next(2);
        if (at >= input.Length)
        {
            return input;
        }

        byte[] copy = [.. input];
        copy[at] = at == StreamOffset(input) + 12 ? V2VersionBytes[random.Next(V2VersionBytes.Length)] : V2FamilyBytes[random.Next(V2FamilyBytes.Length)];
        return copy;
    }

    // The 2-byte length: a value near the real one, near a limit, or anything.
    private byte[] EditV2Length(byte[] input)
    {
        int at = StreamOffset(input) + 14;
        if (at + 2 > input.Length)
        {
            return input;
        }

        byte[] copy = [.. input];
        int current = (copy[at] << 8) | copy[at + 1];
        int value = random.Next(4) switch
        {
            0 => random.Next(ushort.MaxValue + 1),
            1 => Math.Clamp(current + random.Next(-4, 5), 0, ushort.MaxValue),
            2 => InterestingLengths[random.Next(InterestingLengths.Length)],
            _ => current - 1,
        };
        value = Math.Clamp(value, 0, ushort.MaxValue);
        copy[at] = (byte)(value >> 8);
        copy[at + 1] = (byte)value;
        return copy;
    }

    // A space-separated token of the stream (a version 1 field) replaced by one of the interesting ones.
    private byte[] ReplaceV1Token(byte[] input)
    {
        int offset = StreamOffset(input);
        var spaces = new List<int>();
        for (int i = offset; i < input.Length && i < offset + 110; i++)
        {
            if (input[i] == ' ')
            {
                spaces.Add(i);
            }
        }

        if (spaces.Count == 0)
        {
            return input;
        }

        int start = spaces[random.Next(spaces.Count)] + 1;
        int end = start;
        while (end < input.Length && input[end] is not ((byte)' ' or (byte)'\r'))
        {
            end++;
        }

        byte[] token = Encoding.ASCII.GetBytes(InterestingTokens[random.Next(InterestingTokens.Length)]);
        return [.. input.AsSpan(0, start), .. token, .. input.AsSpan(end)];
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
}
