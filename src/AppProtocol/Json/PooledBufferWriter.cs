using System.Buffers;

namespace AppProtocol.Json;

/// <summary>A growable buffer over <see cref="ArrayPool{T}"/> memory, reused from frame to frame.</summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>
{
    // Beyond this, give the array back after each use rather than hold it.
    private const int RetainedCapacity = 64 * 1024;
    private byte[] _buffer = [];
    private int _written;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _written);
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Forgets what was written, keeping a modest array for the next use.</summary>
    public void Reset()
    {
        _written = 0;
        if (_buffer.Length > RetainedCapacity)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void Ensure(int sizeHint)
    {
        int needed = _written + Math.Max(sizeHint, 1);
        if (needed <= _buffer.Length)
        {
            return;
        }

        byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(_buffer.Length * 2, 256)));
        _buffer.AsSpan(0, _written).CopyTo(larger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = larger;
    }
}
