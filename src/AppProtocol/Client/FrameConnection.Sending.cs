using System.Runtime.CompilerServices;
using AppProtocol.Framing;

namespace AppProtocol.Client;

/// <summary>Queueing a request and waiting for its response; a caller who gives up retires the connection rather than hold others up.</summary>
internal sealed partial class FrameConnection
{
    private static readonly Action<object?> CancelledCallback = static state =>
    {
        var request = (PendingRequest)state!;
        request.Connection!.Cancelled(request);
    };

    /// <summary>Queues the request for the writer and waits for its response; takes the caller's claim (<see cref="TryClaim"/>).</summary>
    /// <param name="request">The request, its <see cref="PendingRequest.Tokens"/> set; the caller keeps its ownership.</param>
    /// <returns>The response, or why the request may go out on another connection (see <see cref="SendOutcome"/>).</returns>
    /// <exception cref="FrameClientException">The connection was lost after the request went out.</exception>
    /// <exception cref="FrameClientTimeoutException">The request timeout passed while the request was written or answered.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<SendOutcome> SendAsync(PendingRequest request)
    {
        request.Connection = this;
        if (!TryEnqueue(request, out bool startWriter))
        {
            return NotSent();
        }

        // On each token rather than a linked one: a source reused from call to call reuses its registration nodes.
        CallTokens tokens = request.Tokens;
        CancellationTokenRegistration byCaller = tokens.Caller.CanBeCanceled ? tokens.Caller.UnsafeRegister(CancelledCallback, request) : default;
        CancellationTokenRegistration byTimeout = tokens.Timeout.CanBeCanceled ? tokens.Timeout.UnsafeRegister(CancelledCallback, request) : default;
        if (startWriter)
        {
            StartWriter();
        }

        try
        {
            Frame response = await request.AsValueTask().ConfigureAwait(false);
            return request.HandedBack ? NotSent() : new SendOutcome(response, null);
        }
        catch (RequestUnreadException unread)
        {
            return SendOutcome.Unread(unread.Message);
        }
        finally
        {
            // Waits for a callback in progress, so none touches the request once its caller lets go.
            byCaller.Dispose();
            byTimeout.Dispose();
        }
    }

    private bool TryEnqueue(PendingRequest request, out bool startWriter)
    {
        lock (_pending)
        {
            _claims--;
            startWriter = false;
            if (_retired)
            {
                return false;
            }

            request.AddOwner();
            _toWrite.Enqueue(request);
            if (IsSingleUse)
            {
                _retired = true;
            }

            startWriter = !_writerActive;
            _writerActive = true;
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

    /// <summary>The call's token fired: the caller gave up, or the request timeout passed.</summary>
    private void Cancelled(PendingRequest request)
    {
        if (request.Tokens.Caller.IsCancellationRequested)
        {
            Abandon(request);
        }
        else
        {
            TimedOut(request);
        }
    }

    /// <summary>
    /// The caller gave up on its request. Not yet written, it just leaves the queue; written, its response will be
    /// discarded, and no new request waits behind it.
    /// </summary>
    private void Abandon(PendingRequest request)
    {
        bool idle = false;
        bool unqueued;
        PendingRequest[]? unwritten = null;
        lock (_pending)
        {
            if (request.IsCompleted)
            {
                return;
            }

            unqueued = request.Stage == PendingRequest.WriteStage.Queued && Unqueue(request);
            if (!unqueued)
            {
                request.Detached = true;
                _retired = true;
                idle = !HasWaitingCaller();
                unwritten = TakeUnwritten();
            }
        }

        request.Fail(new OperationCanceledException(request.Tokens.Caller));
        if (unqueued)
        {
            request.ReleaseOwner();
            return;
        }

        HandBack(unwritten);
        if (idle)
        {
            Close("A call was cancelled and no other waits on the connection.", null);
        }
    }

    /// <summary>
    /// The request timeout passed: the server is stuck or slow, and later responses would be out of step, so the
    /// connection is given up. The failure says whether the request had gone out whole; while it is being written,
    /// its writer says once it knows.
    /// </summary>
    private void TimedOut(PendingRequest request)
    {
        bool? sent;
        bool unqueued = false;
        lock (_pending)
        {
            if (request.IsCompleted || _closed)
            {
                return;
            }

            switch (request.Stage)
            {
                case PendingRequest.WriteStage.Queued:
                    unqueued = Unqueue(request);
                    sent = false;
                    break;
                case PendingRequest.WriteStage.Writing:
                    request.TimedOutWhileWriting = true;
                    sent = null;
                    break;
                default:
                    sent = true;
                    break;
            }

            request.Detached = true;
        }

        var timedOut = ClientFailures.TimedOut(_peer, _options.RequestTimeout, sent: sent ?? false);
        if (sent is { } known)
        {
            request.Fail(timedOut);
        }

        if (unqueued)
        {
            request.ReleaseOwner();
        }

        Close(timedOut.Message, _ => ClientFailures.ClosedAfterTimeout(_peer, timedOut));
    }

    /// <summary>Takes a request not yet written out of the queue, keeping the others' order. Call under the lock.</summary>
    private bool Unqueue(PendingRequest request)
    {
        bool found = false;
        for (int i = _toWrite.Count; i > 0; i--)
        {
            PendingRequest queued = _toWrite.Dequeue();
            if (ReferenceEquals(queued, request))
            {
                found = true;
            }
            else
            {
                _toWrite.Enqueue(queued);
            }
        }

        return found;
    }
}
