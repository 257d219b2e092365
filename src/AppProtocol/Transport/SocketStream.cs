using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace AppProtocol.Transport;

/// <summary>A connected socket as a stream that sends without waiting whenever the socket's send buffer has room.</summary>
/// <remarks>
/// The socket is put in non-blocking mode: a send is first tried at once and only what the kernel did not take is
/// sent asynchronously. Answers to requests almost always fit, so most connections never create the socket's
/// asynchronous send state (about 400 bytes each, kept for the connection's life), and no send waits for a
/// completion callback. Receives are asynchronous as usual; a zero-byte read waits for data without a buffer.
/// </remarks>
internal sealed class SocketStream : Stream
{
    // Enough to discard in a few calls what a peer typically still sends, small enough for the stack.
    private const int DiscardChunk = 4096;

    private readonly Socket _socket;

    // Set once a read returned the end of the stream: the peer sent FIN, so there is nothing left to drain at close.
    private volatile bool _receivedEnd;

    public SocketStream(Socket socket)
    {
        _socket = socket;
        _socket.Blocking = false;
    }

    /// <summary>Whether a read has returned the end of the stream (the peer ended its sending side).</summary>
    public bool ReceivedEnd => _receivedEnd;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    // Failures are IOException around the SocketException, as NetworkStream's are, so callers catch one type.
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ValueTask<int> receive = _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
        if (!receive.IsCompletedSuccessfully)
        {
            return ReceiveRestAsync(receive, buffer.IsEmpty);
        }

        int received = receive.Result;
        if (received == 0 && !buffer.IsEmpty)
        {
            _receivedEnd = true;
        }

        return new ValueTask<int>(received);
    }

    /// <summary>Receives what has arrived without waiting: false when nothing has; a received end of stream is 0 bytes.</summary>
    /// <exception cref="IOException">The connection is broken.</exception>
    internal bool TryReceive(Span<byte> buffer, out int received)
    {
        received = _socket.Receive(buffer, SocketFlags.None, out SocketError error);
        if (error == SocketError.WouldBlock)
        {
            return false;
        }

        if (error != SocketError.Success)
        {
            throw Wrap(new SocketException((int)error));
        }

        if (received == 0)
        {
            _receivedEnd = true;
        }

        return true;
    }

    /// <summary>
    /// Once the sending side is shut, reads and discards what the peer still sends until it ends its stream, until
    /// <paramref name="limit"/> bytes, or until <paramref name="time"/> has passed, whichever comes first; never throws.
    /// </summary>
    /// <remarks>
    /// Closing a socket with unread received bytes makes the kernel reset the connection, and a reset can destroy the
    /// last answer before the peer reads it; draining first (as nginx's lingering close does) avoids that. It waits
    /// with zero-byte reads and discards into a stack buffer, so a lingering connection holds no heap buffer.
    /// </remarks>
    internal async ValueTask DrainAsync(TimeSpan time, int limit)
    {
        int left = limit;
        using var timeout = new CancellationTokenSource(time);
        try
        {
            while (left > 0 && !_receivedEnd)
            {
                await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                left = DiscardAvailable(left);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Out of time, reset by the peer, or aborted: close now.
        }
    }

    /// <summary>Waits until the peer sends (or ends the stream) without a buffer; a broken connection throws <see cref="SocketException"/>.</summary>
    /// <remarks>For a server's wait between frames: no wrapper, so the pending wait holds no state of its own.</remarks>
    internal ValueTask<int> WaitForDataAsync() => _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            int sent = _socket.Send(buffer.Span, SocketFlags.None, out SocketError error);
            if (error == SocketError.WouldBlock)
            {
                return SendRestAsync(buffer, cancellationToken);
            }

            if (error != SocketError.Success)
            {
                return ValueTask.FromException(Wrap(new SocketException((int)error)));
            }

            buffer = buffer[sent..];
        }

        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Use ReadAsync.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Use WriteAsync.");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _socket.Dispose();
        }

        base.Dispose(disposing);
    }

    private static IOException Wrap(SocketException ex) => new($"The transport connection failed: {ex.Message}", ex);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReceiveRestAsync(ValueTask<int> receive, bool zeroByte)
    {
        try
        {
            int received = await receive.ConfigureAwait(false);
            if (received == 0 && !zeroByte)
            {
                _receivedEnd = true;
            }

            return received;
        }
        catch (SocketException ex)
        {
            throw Wrap(ex);
        }
    }

    // Reads without waiting what has arrived, up to limit bytes; returns how many more may be discarded, 0 when done.
    private int DiscardAvailable(int limit)
    {
        Span<byte> scratch = stackalloc byte[DiscardChunk];
        while (limit > 0)
        {
            int received = _socket.Receive(scratch[..Math.Min(limit, DiscardChunk)], SocketFlags.None, out SocketError error);
            if (error == SocketError.WouldBlock)
            {
                return limit;
            }

            if (error != SocketError.Success || received == 0)
            {
                // Reset, or the peer's end of stream: nothing more will come.
                _receivedEnd |= received == 0 && error == SocketError.Success;
                return 0;
            }

            limit -= received;
        }

        return 0;
    }

    private async ValueTask SendRestAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            while (!buffer.IsEmpty)
            {
                buffer = buffer[await _socket.SendAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false)..];
            }
        }
        catch (SocketException ex)
        {
            throw Wrap(ex);
        }
    }
}
