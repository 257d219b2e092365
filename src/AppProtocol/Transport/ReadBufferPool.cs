using System.Buffers;

namespace AppProtocol.Transport;

/// <summary>
/// The buffers of one connection's reader: a small one for the first read of a frame, large ones once the frame
/// needs more. A peer that sends part of a small frame and stalls then holds 4 KiB rather than 64 KiB, while a large
/// frame is still read 64 KiB at a time.
/// </summary>
/// <remarks>
/// Measured (docs/RELIABILITY.md, "Floods of stalled frames"): with 64 KiB first reads, 2,000 connections that each sent half
/// a frame left 125 MB of garbage per round that the collector, with the server then quiet, did not collect for
/// minutes. The reader of one connection is used by one caller at a time, so the count needs no synchronisation.
/// </remarks>
internal sealed class ReadBufferPool(MemoryPool<byte>? inner) : MemoryPool<byte>
{
    /// <summary>The first read of a frame: a whole small frame, or the start of a large one.</summary>
    public const int FirstReadSize = 4 * 1024;

    /// <summary>Every later read of the same frame: with 4 KiB reads a 1 MiB request cost three times the baseline's CPU (docs/PERFORMANCE.md).</summary>
    public const int ReadSize = 64 * 1024;

    private int _rented;

    // The owner of the last block given back, kept to wrap the next one: a connection then allocates no owner per frame.
    private SharedBlock? _spare;

    public override int MaxBufferSize => inner?.MaxBufferSize ?? Array.MaxLength;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        int size = Math.Max(minBufferSize, _rented == 0 ? FirstReadSize : ReadSize);
        _rented++;
        if (inner is not null)
        {
            return new InnerBlock(this, inner.Rent(size));
        }

        SharedBlock block = Interlocked.Exchange(ref _spare, null) ?? new SharedBlock(this);
        block.Take(ArrayPool<byte>.Shared.Rent(size));
        return block;
    }

    protected override void Dispose(bool disposing)
    {
    }

    private void Returned() => _rented--;

    /// <summary>Owns one array from <see cref="ArrayPool{T}.Shared"/> at a time; reused once the pipe has disposed it (it never touches an owner after that).</summary>
    private sealed class SharedBlock(ReadBufferPool pool) : IMemoryOwner<byte>
    {
        private byte[]? _array;

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(SharedBlock));

        public void Take(byte[] array) => _array = array;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } array)
            {
                ArrayPool<byte>.Shared.Return(array);
                pool.Returned();
                Volatile.Write(ref pool._spare, this);
            }
        }
    }

    private sealed class InnerBlock(ReadBufferPool pool, IMemoryOwner<byte> block) : IMemoryOwner<byte>
    {
        private IMemoryOwner<byte>? _block = block;

        public Memory<byte> Memory => _block?.Memory ?? throw new ObjectDisposedException(nameof(InnerBlock));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _block, null) is { } block)
            {
                block.Dispose();
                pool.Returned();
            }
        }
    }
}
