using System.Net.Sockets;
using AppProtocol.Framing;

namespace AppProtocol.Client;

/// <summary>The read loop: each response to the oldest request, and what the server's close or failure means for the requests left.</summary>
internal sealed partial class FrameConnection
{
    /// <summary>Hands each response to its request until the connection closes; every way out has closed it.</summary>
    private async Task ReadLoopAsync()
    {
        try
        {
            while (await _reader.ReadFrameAsync(_lifetime.Token).ConfigureAwait(false) is { } frame)
            {
                if (!Deliver(frame))
                {
                    return;
                }
            }

            await EndOfStreamAsync().ConfigureAwait(false);
        }
        catch (ProtocolException ex)
        {
            ProtocolFailure(ex);
        }
        catch (Exception) when (_lifetime.IsCancellationRequested)
        {
            // Closed on purpose; the waiting requests were already failed with the reason.
        }
        catch (Exception ex)
        {
            ReadFailed(ex);
        }
    }

    /// <summary>Answers the oldest request; returns whether the connection stays open for more responses.</summary>
    private bool Deliver(Frame frame)
    {
        bool last = ConnectionMember.IsClose(frame.Header);
        PendingRequest? answered;
        PendingRequest[] unread = [];
        PendingRequest[]? unwritten = null;
        bool done;
        int ordinal;
        lock (_pending)
        {
            _pending.TryDequeue(out answered);
            ordinal = ++_responses;
            _lastResponseAt = Environment.TickCount64;
            if (last)
            {
                // The server reads nothing after its last answer: what was sent after that request is unread.
                _retired = true;
                _endedByServer = true;
                unread = [.. _pending];
                _pending.Clear();
                unwritten = TakeUnwritten();
            }

            done = _retired && !HasWaitingCaller();
        }

        if (answered is null)
        {
            Close($"The server {_peer} sent a frame that answers no request.", null);
            return false;
        }

        _reuse.Answered(ordinal, last);
        if (!answered.Detached)
        {
            // The frame is a view of the pipe's buffer: the caller gets a copy, its own or pooled for a lease.
            answered.Answer(frame, _options.UnsafePreferInlineScheduling);
        }

        answered.ReleaseOwner();
        foreach (PendingRequest request in unread)
        {
            request.ReleaseUnread(ClientFailures.AfterLastAnswer);
            request.ReleaseOwner();
        }

        HandBack(unwritten);

        if (done)
        {
            Close(last ? $"The server {_peer} announced its last answer on the connection." : "No request waits on it any more.", null);
        }

        return !done;
    }

    /// <summary>
    /// The server closed its side. A request still waiting was unread if the server's TCP stack then reset the
    /// connection in answer to it: a closed socket resets data that arrives after the close, whereas a server that read
    /// the request and then closed leaves nothing to reset.
    /// </summary>
    private async ValueTask EndOfStreamAsync()
    {
        PendingRequest? only;
        bool waiting;
        lock (_pending)
        {
            _retired = true;
            waiting = _pending.Count > 0;
            only = _pending.Count == 1 && _responses > 0 && _socket.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
                ? _pending.Peek()
                : null;
        }

        ServerClosed(waiting);
        if (!waiting)
        {
            Close($"The server {_peer} closed the connection.", null);
            return;
        }

        bool reset = only is not null && await ResetAfterCloseAsync().ConfigureAwait(false);
        PendingRequest? unread = reset ? TakeUnread(only!) : null;
        Close($"The server {_peer} closed the connection before answering.", null);
        ReleaseUnread(unread, ClientFailures.ResetUnread);
    }

    /// <summary>Lets the request's write finish, then probes with an empty send: it fails once a reset has arrived, and
    /// succeeds on a connection that was only closed by the server.</summary>
    private async ValueTask<bool> ResetAfterCloseAsync()
    {
        await _writeLock.WaitAsync(_lifetime.Token).ConfigureAwait(false);
        try
        {
            _socket.Send(ReadOnlySpan<byte>.Empty, SocketFlags.None, out SocketError probe);
            return RequestUnreadException.IsReset(new SocketException((int)probe));
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void ReadFailed(Exception error)
    {
        PendingRequest? unread = null;
        bool waiting;
        lock (_pending)
        {
            _retired = true;
            waiting = _pending.Count > 0;
            if (RequestUnreadException.IsReset(error) && _responses > 0 && _pending.Count == 1 && !_reader.IsMidFrame)
            {
                unread = TakeOnlyPending();
            }
        }

        ServerClosed(waiting);
        string what = $"The connection to {_peer} failed: {error.Message}";
        Close(what, request => ClientFailures.Lost(what, request, error));
        ReleaseUnread(unread, ClientFailures.ResetUnread);
    }

    /// <summary>
    /// The server's bytes broke the protocol. A stream that ended inside a response is a lost connection, for its request
    /// and for those behind it; garbage is the answer of the oldest request, and the ones behind it lose their connection.
    /// </summary>
    private void ProtocolFailure(ProtocolException error)
    {
        PendingRequest? oldest;
        lock (_pending)
        {
            _pending.TryPeek(out oldest);
        }

        if (error.Error == ProtocolError.TruncatedFrame)
        {
            string inResponse = $"The server {_peer} closed the connection in the middle of the response ({error.Message})";
            string before = $"The server {_peer} closed the connection before answering, in the middle of the response to an earlier request ({error.Message})";
            Close(inResponse, request => ClientFailures.Lost(ReferenceEquals(request, oldest) ? inResponse : before, request, error));
            return;
        }

        string closed = $"The connection to {_peer} was closed because the server's answer to an earlier request broke the protocol ({error.Error}: {error.Message}).";
        Close(error.Message, request => ReferenceEquals(request, oldest) ? error : ClientFailures.Lost(closed, request, error));
    }

    /// <summary>
    /// Removes <paramref name="request"/> from the queue when its request cannot have been read: the connection was
    /// reset after it had carried a response, this request was the only one in flight and no byte of its response
    /// arrived. A server that closes after each answer leaves exactly this behind.
    /// </summary>
    private PendingRequest? TakeUnread(PendingRequest request)
    {
        lock (_pending)
        {
            if (_reader.IsMidFrame || _pending.Count != 1 || !ReferenceEquals(_pending.Peek(), request))
            {
                return null;
            }

            return TakeOnlyPending();
        }
    }

    /// <summary>Takes the one request in flight off the queue, detached, so that its writer, still finishing the write
    /// when the connection closes, leaves it to go out again rather than fail it. Call under the lock.</summary>
    private PendingRequest TakeOnlyPending()
    {
        PendingRequest request = _pending.Dequeue();
        request.Detached = true;
        return request;
    }

    /// <summary>Tells the caller of a request taken off the queue that it may go out again, and lets go of it.</summary>
    private static void ReleaseUnread(PendingRequest? request, string reason)
    {
        if (request is not null)
        {
            request.ReleaseUnread(reason);
            request.ReleaseOwner();
        }
    }
}
