using System.IO.Pipelines;

namespace AppProtocol.Client;

/// <summary>Writing a request and waiting for its response; a caller who gives up retires the connection rather than hold others up.</summary>
internal sealed partial class FrameConnection
{
    /// <summary>Writes one encoded request frame and waits for its response.</summary>
    /// <param name="encoded">The whole encoded frame.</param>
    /// <param name="tokens">The call's cancellation.</param>
    /// <returns>The response, or why the request may go out on another connection (see <see cref="SendOutcome"/>).</returns>
    /// <exception cref="FrameClientException">The connection was lost after the request went out.</exception>
    /// <exception cref="FrameClientTimeoutException">The request timeout passed while the request was written or answered.</exception>
    public async ValueTask<SendOutcome> SendAsync(ReadOnlyMemory<byte> encoded, CallTokens tokens)
    {
        if (!await EnterWriteAsync(tokens.Any).ConfigureAwait(false))
        {
            return NotSent();
        }

        var request = new PendingRequest(encoded);
        if (!TryEnqueue(request))
        {
            _writeLock.Release();
            return NotSent();
        }

        ValueTask<bool> writing = WriteAsync(request);
        bool written = writing.IsCompleted ? writing.Result : await AwaitWriteAsync(writing.AsTask(), request, tokens).ConfigureAwait(false);
        if (!written)
        {
            // The frame did not go out whole: the server cannot have processed it.
            ObjectDisposedException.ThrowIf(_clientDisposed, typeof(FrameClient));
            return SendOutcome.Unread(ClientFailures.BrokenWhileSending);
        }

        return await AwaitResponseAsync(request, tokens).ConfigureAwait(false);
    }

    /// <summary>Takes the write lock; <see langword="false"/> when the connection took no more requests first.</summary>
    private async ValueTask<bool> EnterWriteAsync(CancellationToken cancellationToken)
    {
        if (_writeLock.Wait(0))
        {
            return true;
        }

        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _noMoreRequests.Token);
        try
        {
            await _writeLock.WaitAsync(waiting.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private bool TryEnqueue(PendingRequest request)
    {
        lock (_pending)
        {
            if (_retired)
            {
                return false;
            }

            // Enqueued under the write lock, so the queue's order is the order on the wire.
            _pending.Enqueue(request);
            _requests++;
            if (IsSingleUse)
            {
                _retired = true;
            }

            return true;
        }
    }

    /// <summary>Why a request was not written: free to try another connection, unless a fresh one was closed by the server.</summary>
    private SendOutcome NotSent()
    {
        lock (_pending)
        {
            return _requests == 0 && _endedByServer ? SendOutcome.Unread(ClientFailures.ClosedBeforeSent) : SendOutcome.NotSent;
        }
    }

    /// <summary>Writes the request and releases the write lock when the write ends; returns whether the whole frame went out.</summary>
    private ValueTask<bool> WriteAsync(PendingRequest request)
    {
        ValueTask<FlushResult> flush;
        try
        {
            // No token: a write ends when it is done or its socket is closed, never half-way for a caller who gave up.
            flush = _pipe.Output.WriteAsync(request.Encoded);
        }
        catch (Exception ex)
        {
            WriteFailed(request, ex);
            _writeLock.Release();
            return new(false);
        }

        if (!flush.IsCompleted)
        {
            return new(FinishWriteAsync(flush, request));
        }

        try
        {
            return new(Flushed(flush.Result, request));
        }
        catch (Exception ex)
        {
            WriteFailed(request, ex);
            return new(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<bool> FinishWriteAsync(ValueTask<FlushResult> flush, PendingRequest request)
    {
        try
        {
            return Flushed(await flush.ConfigureAwait(false), request);
        }
        catch (Exception ex)
        {
            WriteFailed(request, ex);
            return false;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private bool Flushed(FlushResult result, PendingRequest request)
    {
        if (result.IsCompleted || result.IsCanceled)
        {
            WriteFailed(request, null);
            return false;
        }

        return true;
    }

    /// <summary>Part of the frame may be on the wire: the stream cannot carry another frame.</summary>
    private void WriteFailed(PendingRequest request, Exception? error)
    {
        bool byServer;
        lock (_pending)
        {
            // This request goes out again elsewhere; the ones before it may have been processed.
            request.Detached = true;
            byServer = !_closed;
        }

        if (byServer && RequestUnreadException.IsReset(error))
        {
            ServerClosed(requestWaiting: true);
        }

        string what = error is null
            ? $"The connection to {_peer} closed while a request was being sent."
            : $"Sending a request to {_peer} failed: {error.Message}";
        Close(what, null);
    }

    /// <summary>Waits for a write that did not complete at once; a caller who gives up leaves it to finish on its own.</summary>
    private async ValueTask<bool> AwaitWriteAsync(Task<bool> writing, PendingRequest request, CallTokens tokens)
    {
        try
        {
            return await writing.WaitAsync(tokens.Any).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (tokens.Caller.IsCancellationRequested)
        {
            Abandon(request);
            throw;
        }
        catch (OperationCanceledException) when (tokens.Timeout.IsCancellationRequested)
        {
            // The server does not read: give the connection up, then learn whether the frame had gone out whole.
            CloseAfterTimeout(request, ClientFailures.TimedOut(_peer, _options.RequestTimeout, sent: false));
            throw ClientFailures.TimedOut(_peer, _options.RequestTimeout, sent: await writing.ConfigureAwait(false));
        }
    }

    private async ValueTask<SendOutcome> AwaitResponseAsync(PendingRequest request, CallTokens tokens)
    {
        try
        {
            return new(await request.Response.WaitAsync(tokens.Any).ConfigureAwait(false), null);
        }
        catch (RequestUnreadException unread)
        {
            return SendOutcome.Unread(unread.Message);
        }
        catch (OperationCanceledException) when (tokens.Caller.IsCancellationRequested)
        {
            Abandon(request);
            throw;
        }
        catch (OperationCanceledException) when (tokens.Timeout.IsCancellationRequested)
        {
            // The server is stuck or slow: later responses would be out of step, so give the connection up.
            var timedOut = ClientFailures.TimedOut(_peer, _options.RequestTimeout, sent: true);
            CloseAfterTimeout(request, timedOut);
            throw timedOut;
        }
    }

    /// <summary>The caller gave up on its request: its response will be discarded, and no new request waits behind it.</summary>
    private void Abandon(PendingRequest request)
    {
        bool idle;
        lock (_pending)
        {
            request.Detached = true;
            _retired = true;
            idle = !HasWaitingCaller();
        }

        _noMoreRequests.Cancel();
        if (idle)
        {
            Close("A call was cancelled and no other waits on the connection.", null);
        }
    }

    private void CloseAfterTimeout(PendingRequest request, FrameClientTimeoutException timedOut)
    {
        lock (_pending)
        {
            request.Detached = true;
        }

        Close(timedOut.Message, _ => ClientFailures.ClosedAfterTimeout(_peer, timedOut));
    }
}
