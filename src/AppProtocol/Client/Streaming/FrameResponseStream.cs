using System.Net.Sockets;
using AppProtocol.Client.Streaming;
using AppProtocol.Framing;

namespace AppProtocol.Client;

/// <summary>
/// A response whose content is read as it arrives: its <see cref="Header"/>, and a read-only stream of exactly
/// <c>content-length</c> bytes, read straight from the exchange's own connection with backpressure (while the caller
/// does not read, the server is slowed down, and the client holds no more than one socket buffer of it).
/// </summary>
/// <remarks>
/// <para>Reading to the end closes the connection; disposing before the end resets it (the rest is never read).
/// Dispose it in every case.</para>
/// <para>Content that ends early is never passed off as whole: the read at the cut throws
/// <see cref="FrameClientException"/>, a read that waits longer than <see cref="FrameClientOptions.RequestTimeout"/>
/// for bytes throws <see cref="FrameClientTimeoutException"/>, and cancelling a read resets the connection. After
/// such a failure every read throws it again. One read at a time, as for any stream.</para>
/// </remarks>
public sealed class FrameResponseStream : Stream
{
    private readonly StreamedConnection _connection;
    private readonly ResponseHead _head;
    private readonly IdleTimeout _timeout;
    private Exception? _failure;
    private long _position;
    private bool _disposed;

    internal FrameResponseStream(StreamedConnection connection, ResponseHead head, IdleTimeout timeout)
    {
        _connection = connection;
        _head = head;
        _timeout = timeout;
        if (head.Header.ContentLength == 0)
        {
            Finish();
        }
    }

    /// <summary>The response's header.</summary>
    public FrameHeader Header => _head.Header;

    /// <summary>The content's length: the header's <c>content-length</c>.</summary>
    public long ContentLength => _head.Header.ContentLength;

    /// <summary>How many content bytes are still to be read.</summary>
    public long Remaining => ContentLength - _position;

    /// <inheritdoc/>
    public override bool CanRead => !_disposed;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    /// <remarks>Not supported: the stream does not seek; <see cref="ContentLength"/> gives the length.</remarks>
    public override long Length => throw new NotSupportedException("The response stream does not seek; ContentLength gives its length.");

    /// <summary>How many content bytes were read. Setting it is not supported.</summary>
    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException("The response stream does not seek.");
    }

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (StartRead(buffer.Length) is not { } wanted)
        {
            return 0;
        }

        int read = _head.Take(buffer.Span[..wanted]);
        if (read == 0)
        {
            _timeout.Link(cancellationToken);
            _timeout.Start();
            try
            {
                read = await _connection.Stream.ReadAsync(buffer[..wanted], _timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                throw Fail(ex, cancellationToken);
            }
            finally
            {
                _timeout.Stop();
            }
        }

        return EndRead(read);
    }

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        if (StartRead(buffer.Length) is not { } wanted)
        {
            return 0;
        }

        int read = _head.Take(buffer[..wanted]);
        if (read == 0)
        {
            try
            {
                read = _connection.Stream.Read(buffer[..wanted]);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
                throw Fail(ex, CancellationToken.None);
            }
        }

        return EndRead(read);
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>Not supported: the stream is read-only.</summary>
    public override void Flush() => throw new NotSupportedException("The response stream is read-only.");

    /// <summary>Not supported: the stream does not seek.</summary>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("The response stream does not seek.");

    /// <summary>Not supported: the stream does not seek.</summary>
    public override void SetLength(long value) => throw new NotSupportedException("The response stream does not seek.");

    /// <summary>Not supported: the stream is read-only.</summary>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The response stream is read-only.");

    /// <summary>Closes the connection: at once, by a reset, when content is left unread.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public override ValueTask DisposeAsync()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _disposed = true;
            if (Remaining > 0)
            {
                _connection.Reset();
            }

            Finish();
            _timeout.Dispose();
        }

        base.Dispose(disposing);
    }

    // How many bytes to ask for, or null at the end of the content; throws after a failure or once disposed.
    private int? StartRead(int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failure is not null)
        {
            throw _failure;
        }

        return Remaining == 0 || length == 0 ? null : (int)Math.Min(length, Remaining);
    }

    private int EndRead(int read)
    {
        if (read == 0)
        {
            throw Fail(null, CancellationToken.None);
        }

        _position += read;
        if (Remaining == 0)
        {
            Finish();
        }

        return read;
    }

    // The whole content was read (or the stream is disposed): the connection and the head's buffer are released.
    private void Finish()
    {
        _ = _connection.DisposeAsync();
        _head.Return();
    }

    private Exception Fail(Exception? cause, CancellationToken cancellationToken)
    {
        _connection.Reset();
        _head.Return();
        _failure = cause is OperationCanceledException && !_timeout.IsTimeout(cancellationToken)
            ? cause
            : _timeout.Fired
                ? StreamingFailures.ContentStalled(_connection.Server, _position, ContentLength, _timeout.Limit)
                : StreamingFailures.ContentCut(_connection.Server, _position, ContentLength, cause);
        return _failure;
    }
}
