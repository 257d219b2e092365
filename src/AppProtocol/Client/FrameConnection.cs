using System.IO.Pipelines;
using System.Net.Sockets;
using AppProtocol.Framing;
using AppProtocol.Pipelines;

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
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly FrameReader _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Queue<TaskCompletionSource<Frame>> _waiters = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly string _peer;
    private readonly Task _readLoop;
    private Exception? _closedBecause;

    public FrameConnection(Socket socket, Stream stream, FrameLimits limits, string peer)
    {
        _socket = socket;
        _stream = stream;
        _peer = peer;
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        _output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        _reader = new FrameReader(_input, limits);
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
            if (_closedBecause is not null)
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
    /// <returns>The response, or <see langword="null"/> when the connection was found closed before anything was sent (safe to retry elsewhere).</returns>
    public async ValueTask<Frame?> SendAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken, CancellationToken timeoutToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutToken);
        TaskCompletionSource<Frame> waiter = new(TaskCreationOptions.RunContinuationsAsynchronously);

        await _writeLock.WaitAsync(linked.Token).ConfigureAwait(false);
        try
        {
            lock (_waiters)
            {
                if (_closedBecause is not null)
                {
                    return null;
                }

                // Enqueued under the write lock, so the queue's order is the order on the wire.
                _waiters.Enqueue(waiter);
            }

            try
            {
                FlushResult flushed = await _output.WriteAsync(request, linked.Token).ConfigureAwait(false);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    throw new FrameClientException($"The connection to {_peer} closed while the request was being sent.");
                }
            }
            catch (Exception ex)
            {
                // Part of the frame may be on the wire: the stream cannot carry another frame.
                Close(ex as FrameClientException ?? new FrameClientException($"Sending the request to {_peer} failed: {ex.Message}", ex));
                throw;
            }
        }
        finally
        {
            _writeLock.Release();
        }

        try
        {
            return await waiter.Task.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeoutToken.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The server is stuck or slow: later responses would be out of step, so give the connection up.
            var timeout = new TimeoutException($"No response from {_peer} within the request timeout.");
            Close(new FrameClientException($"The connection to {_peer} was abandoned after a request timed out.", timeout));
            throw timeout;
        }

        // A caller that cancels after sending leaves its waiter queued: its response, when it comes, is dropped.
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
        await _output.CompleteAsync().ConfigureAwait(false);
        await _input.CompleteAsync().ConfigureAwait(false);
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
                    Close(new FrameClientException($"The server {_peer} closed the connection before answering."));
                    return;
                }

                TaskCompletionSource<Frame>? waiter;
                lock (_waiters)
                {
                    _waiters.TryDequeue(out waiter);
                }

                if (waiter is null)
                {
                    Close(new FrameClientException($"The server {_peer} sent a frame that answers no request."));
                    return;
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
            Close(new FrameClientException($"The connection to {_peer} failed: {ex.Message}", ex));
        }
    }
}
