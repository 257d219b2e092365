using System.Net.Sockets;
using AppProtocol.Pipelines;
using AppProtocol.Transport;
using Microsoft.Extensions.Logging;

namespace AppProtocol.Client;

/// <summary>
/// One connection of a <see cref="FrameClient"/>: requests are written one at a time under a lock, each leaving a
/// <see cref="PendingRequest"/> in a FIFO queue, and one read loop hands each response frame to the oldest.
/// </summary>
/// <remarks>
/// <para>A connection is open, then retired (it takes no new request, finishes those it carries and closes once no
/// caller waits on it), then closed. It retires when a caller gives up on it (so a cancelled call delays no later
/// one), when it was opened for one request, and when the server announces or shows its close. It closes at once when
/// anything goes wrong (the server closes, sends garbage, a request times out, a write fails): every waiting request
/// then fails, unless the server cannot have read it, which then goes out again on another connection.</para>
/// <para>It cleans up after itself: once closed, the read loop ends, the write in progress ends (its socket is gone),
/// and the pipe and stream are released. Nobody disposes the lock another caller may be waiting on.</para>
/// </remarks>
internal sealed partial class FrameConnection : IAsyncDisposable
{
    private static readonly IOException ClosedPipe = new("The connection is closed.");

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly StreamDuplexPipe _pipe;
    private readonly FrameReader _reader;
    private readonly FrameClientOptions _options;
    private readonly ConnectionReuse _reuse;
    private readonly string _peer;
    private readonly ILogger _logger;

    // Taken to write a request, and released by the write itself when it ends (a caller may stop waiting for it first).
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Queue<PendingRequest> _pending = new();

    // Cancelled on close (ends the read loop) and once no request may go out (frees writers waiting for the lock).
    private readonly CancellationTokenSource _lifetime = new();
    private readonly CancellationTokenSource _noMoreRequests = new();
    private readonly Task _run;

    // Guarded by _pending.
    private bool _retired;
    private bool _closed;
    private bool _endedByServer;
    private int _requests;
    private int _responses;
    private long _lastResponseAt;

    private volatile bool _clientDisposed;

    public FrameConnection(Socket socket, Stream stream, FrameClientOptions options, ConnectionReuse reuse, bool singleUse)
    {
        _socket = socket;
        _stream = stream;
        _options = options;
        _reuse = reuse;
        _peer = options.Describe();
        _logger = options.EffectiveLogger;
        IsSingleUse = singleUse;
        _pipe = StreamDuplexPipe.Create(stream);
        _reader = new FrameReader(_pipe.Input, options.Limits);
        _run = RunAsync();
    }

    /// <summary>Whether the connection carries one request only, then closes.</summary>
    public bool IsSingleUse { get; }

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
        lock (_pending)
        {
            if (_retired)
            {
                return false;
            }

            if (_pending.Count > 0)
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

        ServerClosed(requestWaiting: false);
        Close($"The server {_peer} closed the connection.", null);
        return false;
    }

    /// <summary>Takes no new request; closes once no caller waits on the connection.</summary>
    public void Retire()
    {
        bool idle;
        lock (_pending)
        {
            if (_closed)
            {
                return;
            }

            _retired = true;
            idle = !HasWaitingCaller();
        }

        _noMoreRequests.Cancel();
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

    /// <summary>Closes at once; each request still waiting fails with what <paramref name="failure"/> makes for it.</summary>
    private void Close(string reason, Func<PendingRequest, Exception>? failure)
    {
        PendingRequest[] pending;
        lock (_pending)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _retired = true;
            pending = [.. _pending];
            _pending.Clear();
        }

        FrameClientLog.ConnectionClosed(_logger, _peer, reason);
        foreach (PendingRequest request in pending)
        {
            if (!request.Detached)
            {
                request.Fail(failure?.Invoke(request) ?? ClientFailures.Lost(reason, request, null));
            }
        }

        // Disposing the socket ends any read or write in progress on it.
        _noMoreRequests.Cancel();
        _lifetime.Cancel();
        _socket.Dispose();
    }

    /// <summary>Reads until the connection closes, then, once the write in progress has ended, releases the pipe and stream.</summary>
    private async Task RunAsync()
    {
        await Task.Yield();
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
