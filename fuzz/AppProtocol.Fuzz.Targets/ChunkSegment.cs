using System.Buffers;

namespace AppProtocol.Fuzz;

/// <summary>One received chunk as its own segment of a <see cref="ReadOnlySequence{T}"/>, as a socket's buffers would be.</summary>
internal sealed class ChunkSegment : ReadOnlySequenceSegment<byte>
{
    public ChunkSegment(ReadOnlyMemory<byte> memory, ChunkSegment? previous)
    {
        Memory = memory;
        if (previous is not null)
        {
            RunningIndex = previous.RunningIndex + previous.Memory.Length;
            previous.Next = this;
        }
    }
}
