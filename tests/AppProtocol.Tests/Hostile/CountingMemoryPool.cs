using System.Buffers;

namespace AppProtocol.Tests.Hostile;

/// <summary>A memory pool that counts the buffers rented and not yet returned, so a test can see every buffer come back.</summary>
public sealed class CountingMemoryPool : MemoryPool<byte>
{
    private int _outstanding;
    private int _rented;

    public int Outstanding => Volatile.Read(ref _outstanding);

    public int Rented => Volatile.Read(ref _rented);

    public override int MaxBufferSize => Array.MaxLength;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        Interlocked.Increment(ref _outstanding);
        Interlocked.Increment(ref _rented);
        return new Owner(this, Shared.Rent(minBufferSize));
    }

    protected override void Dispose(bool disposing)
    {
    }

    private sealed class Owner(CountingMemoryPool pool, IMemoryOwner<byte> inner) : IMemoryOwner<byte>
    {
        private int _disposed;

        public Memory<byte> Memory => inner.Memory;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                inner.Dispose();
                Interlocked.Decrement(ref pool._outstanding);
            }
        }
    }
}
