using System.Net.Sockets;
using AppProtocol.Pipelines;
using AppProtocol.Transport;
using Microsoft.Extensions.Logging;

namespace AppProtocol.Client;

/// <summary>
/// One connection of a <see cref="FrameClient"/>: callers queue their <see cref="PendingRequest"/>s, one writer at a
/// time encodes every queued request straight into the pipe and flushes the batch once, each request then waits in a
/// FIFO queue, and one read loop hands each response frame to the oldest.
/// </summary>
/// <remarks>
/// <para>A connection is open, then retired (it takes no new request, finishes those it carries and closes once no
/// caller waits on it), then closed. It retires when a caller gives up on it (so a cancelled call delays no later
/// one), when it was opened for one request, and when the server announces or shows its close. It closes at once when
/// anything goes wrong (the server closes, sends garbage, a request times out, a write fails): every waiting request
/// then fails, unless the server cannot have read it, which then goes out again on another connection.</para>
/// <para>It cleans up after itself: once closed, the read loop ends, the write in progress ends (its socket is gone),
/// and the pipe and stream are released. Nobody disposes the lock another caller may be waiting on.</para>
/// <para>Requests queued but not yet written when the connection retires or closes are handed back unsent: their
/// callers try another connection, as a caller does that finds a connection retired.</para>
/// </remarks>
internal sealed partial class FrameConnection : IAsyncDisposable, IThreadPoolWorkItem
{
    private static readonly IOException ClosedPipe = new("The connection is closed.");

    private readonly Socket _socket;
    private readonly WriteCountingStream _stream;
    private readonly StreamDuplexPipe _pipe;
    private readonly FrameReader _reader;
    private readonly FrameClientOptions _options;
    private readonly ConnectionReuse _reuse;
    private readonly string _peer;
    private readonly ILogger _logger;

    // Held by the writer while it writes, and by the close that completes the pipe.
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    // Written, or being written, and awaiting their responses, in the order on the wire. Its lock guards the state.
    private readonly Queue<PendingRequest> _pending = new();

    // Queued by callers for the writer.
    private readonly Queue<PendingRequest> _toWrite = new();

    // Cancelled on close: ends the read loop.
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Task _run;

    // Guarded by _pending.
    private bool _writerActive;
    private string _closeReason = "";
    private Func<PendingRequest, Exception>? _closeFailure;
    private bool _retired;
    private bool _closed;
    private bool _endedByServer;

    // Callers who chose this connection and have yet to queue their request: it is not idle for another caller.
    private int _claims;
    private int _requests;
    private int _responses;
    private long _lastResponseAt;

    private volatile bool _clientDisposed;

    public FrameConnection(Socket socket, Stream stream, FrameClientOptions options, ConnectionReuse reuse, bool singleUse)
    {
        _socket = socket;
        _stream = new WriteCountingStream(stream);
        _options = options;
        _reuse = reuse;
        _peer = options.Describe();
        _logger = options.EffectiveLogger;
        IsSingleUse = singleUse;
        _pipe = StreamDuplexPipe.Create(_stream);
        _reader = new FrameReader(_pipe.Input, options.Limits);
        _run = RunAsync();
    }

    /// <summary>Whether the connection carries one request only, then closes.</summary>
    public bool IsSingleUse { get; }

    /// <summary>The requests queued or awaiting their responses, when the connection still takes requests.</summary>
    /// <returns><see langword="false"/> when it is retired or closed.</returns>
    public bool TryGetLoad(out int outstanding)
    {
        lock (_pending)
        {
            outstanding = _pending.Count + _toWrite.Count;
            return !_retired;
        }
    }

    /// <summary>Claims a place for a caller's next <see cref="SendAsync"/>, which takes the claim, unless the connection is
    /// retired, or <paramref name="idleOnly"/> and another caller has a request on it or a claim.</summary>
    public bool TryClaim(bool idleOnly)
    {
        lock (_pending)
        {
            if (_retired || (idleOnly && _pending.Count + _toWrite.Count + _claims > 0))
            {
                return false;
            }

            _claims++;
            return true;
        }
    }

    /// <summary>Gives back a claim whose caller went to another connection.</summary>
    public void Unclaim()
    {
        lock (_pending)
        {
            _claims--;
        }
    }

    /// <summary>Whether the connection is closed for good.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_pending)
            {
                return _closed;
            }
        }
    }

    /// <summary>
    /// Whether a request may be sent: not retired, and, when idle, the peer has not closed its side
    /// (a server that closes after each answer usually has by the time the next request comes).
    /// </summary>
    public bool IsUsable()
    {
        int requests;
        lock (_pending)
        {
            if (_retired)
            {
                return false;
            }

            if (_pending.Count + _toWrite.Count > 0)
            {
                return true;
            }

            requests = _requests;
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

        lock (_pending)
        {
            // Another caller's request went out and was answered meanwhile: the bytes seen were its answer, already
            // read. Otherwise take no request from here on, so none is caught by the close.
            if (_requests != requests || _pending.Count + _toWrite.Count > 0)
            {
                return !_retired;
            }

            _retired = true;
        }

        ServerClosed(requestWaiting: false);
        Close($"The server {_peer} closed the connection.", null);
        return false;
    }

    /// <summary>Takes no new request; closes once no caller waits on the connection.</summary>
    public void Retire()
    {
        bool idle;
        PendingRequest[]? unwritten;
        lock (_pending)
        {
            if (_closed)
            {
                return;
            }

            _retired = true;
            idle = !HasWaitingCaller();
            unwritten = TakeUnwritten();
        }

        HandBack(unwritten);
        if (idle)
        {
            Close("No request waits on it any more.", null);
        }
    }

    /// <summary>Closes the connection; requests still waiting fail with <see cref="ObjectDisposedException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        _clientDisposed = true;
        Close("The client was disposed.", static _ => new ObjectDisposedException(nameof(FrameClient), "The client was disposed."));
        await _run.ConfigureAwait(false);
    }

    /// <summary>
    /// Closes at once; each request still waiting fails with what <paramref name="failure"/> makes for it, except those
    /// being written (their writer completes them once it knows whether they went out whole) and those not yet written
    /// (handed back unsent).
    /// </summary>
    private void Close(string reason, Func<PendingRequest, Exception>? failure)
    {
        PendingRequest[] pending;
        PendingRequest[]? unwritten;
        var failing = new List<PendingRequest>();
        lock (_pending)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _retired = true;
            _closeReason = reason;
            _closeFailure = failure;
            pending = [.. _pending];
            _pending.Clear();
            unwritten = TakeUnwritten();
            foreach (PendingRequest request in pending)
            {
                if (!request.Detached && request.Stage != PendingRequest.WriteStage.Writing)
                {
                    failing.Add(request);
                }
            }
        }

        FrameClientLog.ConnectionClosed(_logger, _peer, reason);
        foreach (PendingRequest request in failing)
        {
            request.Fail(failure?.Invoke(request) ?? ClientFailures.Lost(reason, request, null));
        }

        foreach (PendingRequest request in pending)
        {
            request.ReleaseOwner();
        }

        HandBack(unwritten);

        // Disposing the socket ends any read or write in progress on it.
        _lifetime.Cancel();
        _socket.Dispose();
    }

    /// <summary>Reads until the connection closes, then, once the write in progress has ended, releases the pipe and stream.</summary>
    private async Task RunAsync()
    {
        // Off the opening caller's thread, and never onto its SynchronizationContext (Task.Yield would post there): a
        // caller blocking on its call there would otherwise hold up the read loop that completes it.
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        await ReadLoopAsync().ConfigureAwait(false);
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await StreamDuplexPipe.CompleteQuietlyAsync(_pipe, ClosedPipe).ConfigureAwait(false);
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The stream's own close failed on a socket already gone (TLS's close alert): nothing is left to release.
        }
        finally
        {
            // Writers still coming find the connection closed and go elsewhere.
            _writeLock.Release();
        }
    }

    /// <summary>Whether a caller still waits on a request here. Call under the lock.</summary>
    private bool HasWaitingCaller()
    {
        foreach (PendingRequest request in _pending)
        {
            if (!request.Detached)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Tells what the client learns from the server's close. Takes the lock.</summary>
    private void ServerClosed(bool requestWaiting)
    {
        int responses;
        long last;
        lock (_pending)
        {
            _endedByServer = true;
            responses = _responses;
            last = _lastResponseAt;
        }

        _reuse.ServerClosed(responses, requestWaiting, TimeSpan.FromMilliseconds(Environment.TickCount64 - last));
    }
}
