using System.IO.Pipelines;
using System.Net.Sockets;
using AppProtocol.Framing;
using AppProtocol.Pipelines;
using AppProtocol.Transport;
using Microsoft.Extensions.Logging;

namespace AppProtocol.Client;

/// <summary>
/// One connection of a <see cref="FrameClient"/>: requests are written one at a time under a lock, each
/// leaving a waiter in a FIFO queue, and one read loop hands each response frame to the oldest waiter.
/// </summary>
/// <remarks>
/// Once anything goes wrong (the server closes, sends garbage, a request times out, a write fails) the
/// connection is closed for good and every waiter fails; the client then opens a new one for the next call.
/// </remarks>
internal sealed class FrameConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly StreamDuplexPipe _pipe;
    private readonly FrameReader _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Queue<TaskCompletionSource<Frame>> _waiters = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly string _peer;
    private readonly ILogger _logger;
    private readonly Task _readLoop;
    private Exception? _closedBecause;

    // The server announced (ConnectionMember) that its last answer was sent on this connection.
    private volatile bool _lastAnswered;
    private int _responses;

    public FrameConnection(Socket socket, Stream stream, FrameLimits limits, string peer, ILogger logger)
    {
        _logger = logger;
        _socket = socket;
        _stream = stream;
        _peer = peer;
        _pipe = StreamDuplexPipe.Create(stream);
        _reader = new FrameReader(_pipe.Input, limits);
        _readLoop = ReadLoopAsync();
    }

    /// <summary>Whether the connection is known to be unusable: no request can be sent on it any more.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_waiters)
            {
                return _closedBecause is not null;
            }
        }
    }

    /// <summary>
    /// Whether a request may be sent: not closed, and, when idle, the peer has not closed its side
    /// (a server that closes after each answer usually has by the time the next request comes).
    /// </summary>
    public bool IsUsable()
    {
        lock (_waiters)
        {
            if (_closedBecause is not null || _lastAnswered)
            {
                return false;
            }

            if (_waiters.Count > 0)
            {
                return true;
            }
        }

        try
        {
            // Readable with nothing to read means end of stream (or reset) already arrived.
            if (!_socket.Poll(0, SelectMode.SelectRead) || _socket.Available > 0)
            {
                return true;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        Close(new FrameClientException($"The server {_peer} closed the connection."));
        return false;
    }

    /// <summary>Writes one encoded request frame and waits for its response.</summary>
    /// <param name="request">The whole encoded frame.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <param name="timeoutToken">Fires when the request's time is up.</param>
    /// <returns>The response, or <see langword="null"/> when the server cannot have read the request: the connection was
    /// found closed before it was sent, or reset it unread (safe to send on another connection).</returns>
    public async ValueTask<Frame?> SendAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken, CancellationToken timeoutToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutToken);
        TaskCompletionSource<Frame> waiter = new(TaskCreationOptions.RunContinuationsAsynchronously);

        await _writeLock.WaitAsync(linked.Token).ConfigureAwait(false);
        try
        {
            lock (_waiters)
            {
                if (_closedBecause is not null || _lastAnswered)
                {
                    return null;
                }

                // Enqueued under the write lock, so the queue's order is the order on the wire.
                _waiters.Enqueue(waiter);
            }

            try
            {
                FlushResult flushed = await _pipe.Output.WriteAsync(request, linked.Token).ConfigureAwait(false);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    throw new FrameClientException($"The connection to {_peer} closed while the request was being sent.");
                }
            }
            catch (Exception ex)
            {
                // Part of the frame may be on the wire: the stream cannot carry another frame.
                var failure = ex as FrameClientException ?? new FrameClientException($"Sending the request to {_peer} failed: {ex.Message}", ex);
                bool unread = TakeUnreadRequest(waiter, ex);
                Close(failure);

                // The read loop may have seen the same reset first and released this request already.
                if (unread || waiter.Task.Exception?.InnerException is RequestUnreadException)
                {
                    return null;
                }

                if (ex is OperationCanceledException)
                {
                    throw;
                }

                throw failure;
            }
        }
        finally
        {
            _writeLock.Release();
        }

        // A caller that cancels after sending leaves its waiter queued: its response, when it comes, is dropped.
        try
        {
            return await waiter.Task.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (RequestUnreadException)
        {
            return null;
        }
        catch (OperationCanceledException) when (timeoutToken.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The server is stuck or slow: later responses would be out of step, so give the connection up.
            var timeout = new TimeoutException($"No response from {_peer} within the request timeout.");
            Close(new FrameClientException($"The connection to {_peer} was abandoned after a request timed out.", timeout));
            throw timeout;
        }
    }

    /// <summary>Closes the connection at once, failing every waiter with <paramref name="reason"/>.</summary>
    public void Close(Exception reason)
    {
        TaskCompletionSource<Frame>[] waiters;
        lock (_waiters)
        {
            if (_closedBecause is not null)
            {
                return;
            }

            _closedBecause = reason;
            waiters = [.. _waiters];
            _waiters.Clear();
        }

        FrameClientLog.ConnectionClosed(_logger, _peer, reason.Message);
        foreach (TaskCompletionSource<Frame> waiter in waiters)
        {
            waiter.TrySetException(reason);
        }

        // Disposing the socket ends any read or write in progress on it.
        _lifetime.Cancel();
        _socket.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        Close(new ObjectDisposedException(nameof(FrameClient), "The client was disposed."));
        await _readLoop.ConfigureAwait(false);
        await _writeLock.WaitAsync().ConfigureAwait(false);
        await StreamDuplexPipe.CompleteQuietlyAsync(_pipe, _closedBecause).ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _lifetime.Dispose();
        _writeLock.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        await Task.Yield();
        try
        {
            while (true)
            {
                Frame? frame = await _reader.ReadFrameAsync(_lifetime.Token).ConfigureAwait(false);
                if (frame is null)
                {
                    await CloseAtEndOfStreamAsync().ConfigureAwait(false);
                    return;
                }

                TaskCompletionSource<Frame>? waiter;
                lock (_waiters)
                {
                    _waiters.TryDequeue(out waiter);
                    _responses++;
                }

                if (waiter is null)
                {
                    Close(new FrameClientException($"The server {_peer} sent a frame that answers no request."));
                    return;
                }

                if (ConnectionMember.IsClose(frame.Value.Header))
                {
                    // The server reads nothing more here: the next request goes on another connection.
                    _lastAnswered = true;
                }

                // The frame is a view of the pipe's buffer: the caller gets its own copy.
                waiter.TrySetResult(frame.Value.Clone());
            }
        }
        catch (ProtocolException ex)
        {
            Close(ex);
        }
        catch (Exception) when (_lifetime.IsCancellationRequested)
        {
            // Closed on purpose; the waiters were already failed with the reason.
        }
        catch (Exception ex)
        {
            TaskCompletionSource<Frame>? unread = null;
            lock (_waiters)
            {
                if (_waiters.TryPeek(out TaskCompletionSource<Frame>? only) && TakeUnreadRequest(only, ex))
                {
                    unread = only;
                }
            }

            Close(new FrameClientException($"The connection to {_peer} failed: {ex.Message}", ex));
            unread?.TrySetException(new RequestUnreadException(ex));
        }
    }

    /// <summary>
    /// The server closed its side. A request still waiting was unread if the server's TCP stack then reset the
    /// connection in answer to it: a closed socket resets data that arrives after the close, whereas a server that read
    /// the request and then closed leaves nothing to reset.
    /// </summary>
    private async ValueTask CloseAtEndOfStreamAsync()
    {
        var closed = new FrameClientException($"The server {_peer} closed the connection before answering.");
        TaskCompletionSource<Frame>? only;
        lock (_waiters)
        {
            if (_closedBecause is not null || !_waiters.TryPeek(out only) || _waiters.Count != 1 || _responses == 0
                || _socket.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            {
                only = null;
            }
        }

        if (only is not null)
        {
            // Let the request's write finish (it holds the lock while writing), then probe with an empty send:
            // it fails once a reset has arrived, and succeeds on a connection that was only closed by the server.
            await _writeLock.WaitAsync(_lifetime.Token).ConfigureAwait(false);
            try
            {
                _socket.Send(ReadOnlySpan<byte>.Empty, SocketFlags.None, out SocketError probe);
                if (TakeUnreadRequest(only, new SocketException((int)probe)))
                {
                    Close(closed);
                    only.TrySetException(new RequestUnreadException(closed));
                    return;
                }
            }
            finally
            {
                _writeLock.Release();
            }
        }

        Close(closed);
    }

    /// <summary>
    /// Removes <paramref name="waiter"/> from the queue when <paramref name="error"/> shows that its request cannot have been
    /// read: the connection was reset after it had carried a response, this request was the only one in flight and
    /// no byte of its response arrived. A server that closes after each answer leaves exactly this behind.
    /// </summary>
    private bool TakeUnreadRequest(TaskCompletionSource<Frame> waiter, Exception error)
    {
        lock (_waiters)
        {
            if (!RequestUnreadException.IsReset(error) || _responses == 0 || _reader.IsMidFrame
                || _waiters.Count != 1 || !ReferenceEquals(_waiters.Peek(), waiter))
            {
                return false;
            }

            _waiters.Dequeue();
            return true;
        }
    }
}
