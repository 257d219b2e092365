using System.Buffers;

namespace AppProtocol.Fuzz;

/// <summary>One received chunk as its own segment of a <see cref="ReadOnlySequence{T}"/>, as a socket's buffers would be.</summary>
public sealed class ChunkSegment : ReadOnlySequenceSegment<byte>
{
    /// <summary>Creates a segment over <paramref name="memory"/> and links it after <paramref name="previous"/>.</summary>
    /// <param name="memory">The chunk's bytes.</param>
    /// <param name="previous">The segment before it, or <see langword="null"/> for the first.</param>
    public ChunkSegment(ReadOnlyMemory<byte> memory, ChunkSegment? previous)
    {
        Memory = memory;
        if (previous is not null)
        {
            RunningIndex = previous.RunningIndex + previous.Memory.Length;
            previous.Next = this;
        }
    }

    /// <summary>A sequence of <paramref name="bytes"/> in segments of <paramref name="size"/> bytes (the last may be shorter).</summary>
    /// <param name="bytes">The bytes.</param>
    /// <param name="size">The segment size, at least 1.</param>
    /// <returns>The sequence; empty for no bytes.</returns>
    public static ReadOnlySequence<byte> Split(ReadOnlyMemory<byte> bytes, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (bytes.IsEmpty)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        ChunkSegment first = new(bytes[..Math.Min(size, bytes.Length)], null), last = first;
        for (int at = size; at < bytes.Length; at += size)
        {
            last = new ChunkSegment(bytes[at..Math.Min(at + size, bytes.Length)], last);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
