namespace AppProtocol.Tests.Client;

/// <summary>
/// A stream over another whose next write, once armed, passes its bytes on and then returns only when released: a
/// writer that is slow to learn its write finished, while the peer already acts on the bytes.
/// </summary>
/// <remarks>The writer's continuation runs inside <see cref="Release"/>, on the releasing thread.</remarks>
internal sealed class HeldWriteStream(Stream inner) : Stream
{
    private readonly TaskCompletionSource _released = new();
    private int _hold;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Holds the next write after its bytes are passed on, until <see cref="Release"/>.</summary>
    public void HoldNextWrite() => Volatile.Write(ref _hold, 1);

    public void Release() => _released.SetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (Interlocked.Exchange(ref _hold, 0) == 1)
        {
            await _released.Task.ConfigureAwait(false);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    // The connection disposes its stream asynchronously only.
    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}
