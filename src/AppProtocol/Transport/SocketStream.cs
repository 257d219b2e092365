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
    private readonly Socket _socket;

    public SocketStream(Socket socket)
    {
        _socket = socket;
        _socket.Blocking = false;
    }

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
        return receive.IsCompletedSuccessfully ? receive : ReceiveRestAsync(receive);
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
    private static async ValueTask<int> ReceiveRestAsync(ValueTask<int> receive)
    {
        try
        {
            return await receive.ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw Wrap(ex);
        }
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
