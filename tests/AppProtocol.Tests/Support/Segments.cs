using System.Buffers;

namespace AppProtocol.Tests.Support;

/// <summary>Builds multi-segment sequences, to feed parsers data as it would arrive in pieces.</summary>
public static class Segments
{
    public static ReadOnlySequence<byte> Of(params byte[][] parts)
    {
        if (parts.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(parts[0], 0);
        Segment last = first;
        for (int i = 1; i < parts.Length; i++)
        {
            last = last.Append(parts[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Splits <paramref name="bytes"/> into pieces of the given sizes (the last piece takes the rest).</summary>
    public static byte[][] Split(byte[] bytes, IEnumerable<int> sizes)
    {
        var parts = new List<byte[]>();
        int at = 0;
        foreach (int size in sizes)
        {
            if (at >= bytes.Length)
            {
                break;
            }

            int take = Math.Min(size, bytes.Length - at);
            parts.Add(bytes[at..(at + take)]);
            at += take;
        }

        if (at < bytes.Length || parts.Count == 0)
        {
            parts.Add(bytes[at..]);
        }

        return [.. parts];
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
