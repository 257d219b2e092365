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

    public override int MaxBufferSize => inner?.MaxBufferSize ?? Array.MaxLength;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        int size = Math.Max(minBufferSize, _rented == 0 ? FirstReadSize : ReadSize);
        _rented++;
        return inner is null ? new SharedBlock(this, ArrayPool<byte>.Shared.Rent(size)) : new InnerBlock(this, inner.Rent(size));
    }

    protected override void Dispose(bool disposing)
    {
    }

    private void Returned() => _rented--;

    private sealed class SharedBlock(ReadBufferPool pool, byte[] array) : IMemoryOwner<byte>
    {
        private byte[]? _array = array;

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(SharedBlock));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } array)
            {
                ArrayPool<byte>.Shared.Return(array);
                pool.Returned();
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
