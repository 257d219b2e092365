using System.Buffers;

namespace AppProtocol.Transport;

/// <summary>One pooled buffer in a chain: the bytes written to it so far are its <see cref="ReadOnlySequenceSegment{T}.Memory"/>.</summary>
/// <remarks>
/// The buffer is an array from <see cref="ArrayPool{T}.Shared"/>, or a block of a configured <see cref="MemoryPool{T}"/>.
/// A segment object outlives its buffer: the socket pipes keep a few released segments to use again, so a connection
/// allocates none per frame.
/// </remarks>
internal sealed class PooledSegment : ReadOnlySequenceSegment<byte>
{
    private byte[]? _array;
    private IMemoryOwner<byte>? _block;

    /// <summary>How many bytes of the buffer hold data.</summary>
    public int End { get; private set; }

    /// <summary>The room left after <see cref="End"/>.</summary>
    public Memory<byte> Free => Buffer[End..];

    /// <summary>The bytes written so far.</summary>
    public Memory<byte> Written => Buffer[..End];

    public PooledSegment? NextSegment => (PooledSegment?)Next;

    /// <summary>Takes a buffer of at least <paramref name="size"/> bytes; the segment starts empty, at <paramref name="runningIndex"/>.</summary>
    public void Rent(MemoryPool<byte>? pool, int size, long runningIndex)
    {
        if (pool is null)
        {
            _array = ArrayPool<byte>.Shared.Rent(size);
        }
        else
        {
            _block = pool.Rent(Math.Min(size, pool.MaxBufferSize));
        }

        RunningIndex = runningIndex;
        SetEnd(0);
    }

    /// <summary>Counts <paramref name="count"/> more bytes as written.</summary>
    public void Advance(int count) => SetEnd(End + count);

    /// <summary>Links the next segment, which starts where this one's data ends.</summary>
    public void Append(PooledSegment? next) => Next = next;

    /// <summary>Gives the buffer back to its pool and unlinks the segment.</summary>
    public void Release()
    {
        if (_array is { } array)
        {
            _array = null;
            ArrayPool<byte>.Shared.Return(array);
        }

        _block?.Dispose();
        _block = null;
        Memory = default;
        Next = null;
        End = 0;
    }

    // The whole buffer: no field of its own, which would cost each kept segment 16 bytes.
    private Memory<byte> Buffer => _array is { } array ? array : _block?.Memory ?? default;

    private void SetEnd(int end)
    {
        End = end;
        Memory = Buffer[..end];
    }
}
