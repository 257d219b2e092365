using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using AppProtocol.Diagnostics;
using AppProtocol.Framing;
using AppProtocol.Transport;

namespace AppProtocol.Server;

/// <summary>Serves one accepted connection: optional TLS, then read frames, call the handler, write answers, in order.</summary>
/// <remarks>
/// On a <see cref="ProtocolException"/> the answers to the whole requests before the bad frame are sent, then the
/// connection is closed without a reply to the bad frame, as the reference server does: the stream cannot be
/// resynchronised, and the client learns the frame was bad from the close. On a handler exception the connection
/// is closed at once and the answers not yet flushed are dropped, since a half-written frame may be among them.
/// </remarks>
internal sealed class ServerConnection
{
    // Answers of pipelined requests are flushed together, but no more than this many bytes are held back.
    private const int FlushThreshold = 64 * 1024;

    private readonly FrameServer _server;
    private readonly SocketConnection _transport;
    private readonly CancellationTokenSource _aborted = new();
    private readonly ITimer _timer;
    private PipeReader? _input;
    private volatile bool _stopRequested;

    // 1 while the connection waits for a new frame outside its pipe (see ServeAsync); a stop or a timeout then ends
    // the wait by shutting down the socket's receiving side.
    private int _waitingIdle;

    public ServerConnection(FrameServer server, SocketConnection transport, long id)
    {
        _server = server;
        _transport = transport;
        Id = id;
        _timer = server.TimeProvider.CreateTimer(static s => ((ServerConnection)s!).OnTimeout(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public long Id { get; }

    public EndPoint? RemoteEndPoint => _transport.RemoteEndPoint;

    /// <summary>Completes when the connection is closed and forgotten by the server.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    private FrameServerOptions Options => _server.Options;

    /// <summary>Asks the connection to close once its exchange in flight (if any) is answered.</summary>
    public void RequestStop()
    {
        _stopRequested = true;

        // Pairs with the fence in ServeAsync: either it sees the request, or this sees its wait.
        Interlocked.MemoryBarrier();
        Wake();
    }

    /// <summary>Ends the connection now: the handler's token is cancelled and the socket closed.</summary>
    public void Abort()
    {
        _aborted.Cancel();
        _transport.Abort();
    }

    /// <summary>Starts serving on the thread pool, so the accept loop goes straight back to accepting.</summary>
    public void Start() => Completion = RunAsync();

    private async Task RunAsync()
    {
        // To the thread pool at once (unlike Task.Run, the task that comes back is this method's own).
        await Task.Yield();
        _server.Metrics.ConnectionOpened();
        ServerLog.ConnectionAccepted(_server.Logger, Id, RemoteEndPoint);
        _server.InvokeCallback(Options.ConnectionOpened, this);
        SslStream? tls = null;
        IDuplexPipe? pipe = null;
        try
        {
            if (Options.Tls is { } tlsOptions)
            {
                tls = await AuthenticateAsync(tlsOptions).ConfigureAwait(false);
                if (tls is null)
                {
                    return;
                }

            }

            Stream stream = tls ?? _transport.Stream;
            pipe = StreamDuplexPipe.Create(stream, Options.MemoryPool, zeroByteReads: false);
            await ServeAsync(stream, pipe).ConfigureAwait(false);
        }
        catch (Exception) when (_aborted.IsCancellationRequested)
        {
            // Aborted by shutdown, which closed the socket under a pending read or write: nothing to report.
        }
        catch (ProtocolException ex)
        {
            _server.Metrics.Error(ex.Error.ToString());
            ServerLog.BadFrame(_server.Logger, Id, ex.Error, ex);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            _server.Metrics.Error(AppProtocolMetrics.Reasons.Io);
            ServerLog.IoError(_server.Logger, Id, ex);
        }
        catch (Exception ex)
        {
            _server.Metrics.Error(AppProtocolMetrics.Reasons.Io);
            ServerLog.ConnectionFailed(_server.Logger, Id, ex);
        }
        finally
        {
            await CloseAsync(pipe, tls).ConfigureAwait(false);
        }
    }

    private async Task<SslStream?> AuthenticateAsync(SslServerAuthenticationOptions tlsOptions)
    {
        var tls = new SslStream(_transport.Stream, leaveInnerStreamOpen: true);
        using var handshake = new CancellationTokenSource(Options.TlsHandshakeTimeout, _server.TimeProvider);
        using CancellationTokenRegistration link = _aborted.Token.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), handshake);
        try
        {
            await tls.AuthenticateAsServerAsync(tlsOptions, handshake.Token).ConfigureAwait(false);
            return tls;
        }
        catch (OperationCanceledException) when (!_aborted.IsCancellationRequested)
        {
            _server.Metrics.Error(AppProtocolMetrics.Reasons.Timeout);
            ServerLog.TimedOut(_server.Logger, Id, "in the TLS handshake");
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException)
        {
            _server.Metrics.Error(AppProtocolMetrics.Reasons.Tls);
            ServerLog.TlsHandshakeFailed(_server.Logger, Id, ex);
        }

        await tls.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    private async Task ServeAsync(Stream stream, IDuplexPipe pipe)
    {
        PipeReader input = pipe.Input;
        PipeWriter output = pipe.Output;
        Volatile.Write(ref _input, input);
        TimeProvider clock = _server.TimeProvider;
        CancellationToken aborted = _aborted.Token;
        FrameParser parser = _server.Parser;
        var exchange = new FrameExchange(Id, RemoteEndPoint, output);
        long requiredLength = 0;
        bool midFrame = false;
        long frameStart = 0;

        while (!(_stopRequested && !midFrame))
        {
            long deadline = ArmTimer(midFrame, frameStart);
            if (!midFrame)
            {
                // Between frames the pipe is empty: wait for the next bytes with a zero-byte read on the stream itself,
                // so that an idle connection holds no buffer and no read state but its socket's.
                Interlocked.Exchange(ref _waitingIdle, 1);
                try
                {
                    if (!_stopRequested && clock.GetTimestamp() < deadline)
                    {
                        await (stream is SocketStream plain ? plain.WaitForDataAsync() : stream.ReadAsync(Memory<byte>.Empty)).ConfigureAwait(false);
                    }
                }
                catch (Exception) when (_stopRequested || clock.GetTimestamp() >= deadline)
                {
                    // The wait was ended by shutting the socket's receiving side.
                }
                finally
                {
                    Interlocked.Exchange(ref _waitingIdle, 0);
                }

                if (_stopRequested)
                {
                    return;
                }

                if (clock.GetTimestamp() >= deadline)
                {
                    _server.Metrics.Error(AppProtocolMetrics.Reasons.Timeout);
                    ServerLog.TimedOut(_server.Logger, Id, "while idle");
                    return;
                }
            }

            // No token here nor on the flushes: Abort closes the socket, which ends them; a token would cost each
            // connection a registration for its whole life.
            ReadResult result = await input.ReadAsync().ConfigureAwait(false);
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            ReadOnlySequence<byte> buffer = result.Buffer;

            // A cancelled read is a timeout only if the deadline passed; otherwise it is a stop request or a stale timer.
            if (result.IsCanceled && clock.GetTimestamp() >= deadline)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                _server.Metrics.Error(AppProtocolMetrics.Reasons.Timeout);
                ServerLog.TimedOut(_server.Logger, Id, midFrame ? "inside a frame" : "while idle");
                return;
            }

            if (!midFrame && !buffer.IsEmpty)
            {
                midFrame = true;
                frameStart = clock.GetTimestamp();
            }

            bool answered = false;
            bool close = false;
            try
            {
                // Skip parsing until enough bytes arrived to finish the frame whose header was already seen.
                while (buffer.Length >= requiredLength && parser.TryParse(buffer, out Frame frame, out requiredLength))
                {
                    buffer = buffer.Slice(requiredLength);
                    _server.Metrics.FrameReceived(requiredLength);
                    requiredLength = 0;
                    if (!await HandleAsync(exchange, frame, aborted).ConfigureAwait(false))
                    {
                        await output.CompleteAsync(new OperationCanceledException("The handler failed.")).ConfigureAwait(false);
                        return;
                    }

                    answered = true;
                    if (exchange.CloseRequested || Options.CloseAfterResponse || _stopRequested)
                    {
                        close = true;
                        break;
                    }

                    if (output.UnflushedBytes >= FlushThreshold)
                    {
                        await output.FlushAsync().ConfigureAwait(false);
                    }
                }
            }
            catch (ProtocolException)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                if (answered)
                {
                    await output.FlushAsync().ConfigureAwait(false);
                }

                throw;
            }

            if (answered)
            {
                // What is left is the start of the next frame: its time runs from now, not from the batch's first byte.
                midFrame = !buffer.IsEmpty;
                frameStart = midFrame ? clock.GetTimestamp() : 0;
                FlushResult flushed = await output.FlushAsync().ConfigureAwait(false);
                close |= flushed.IsCompleted;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (close)
            {
                return;
            }

            if (result.IsCompleted)
            {
                if (buffer.IsEmpty)
                {
                    return;
                }

                throw FrameParser.Truncated(buffer.Length, requiredLength);
            }
        }
    }

    private async ValueTask<bool> HandleAsync(FrameExchange exchange, Frame request, CancellationToken aborted)
    {
        long? started = _server.Metrics.TimesExchanges ? _server.TimeProvider.GetTimestamp() : null;
        exchange.Begin(request);
        try
        {
            await _server.Handler(exchange, aborted).ConfigureAwait(false);
            if (exchange.ResponseLength == 0)
            {
                throw new InvalidOperationException("The handler wrote no response frame.");
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            _server.Metrics.Error(AppProtocolMetrics.Reasons.Handler);
            ServerLog.HandlerFailed(_server.Logger, Id, ex);
            return false;
        }
        finally
        {
            exchange.End();
        }

        _server.Metrics.FrameSent(exchange.ResponseLength);
        _server.Metrics.ExchangeCompleted(started, _server.TimeProvider);
        return true;
    }

    /// <summary>Sets the timer for the wait ahead and returns its deadline (a <see cref="TimeProvider"/> timestamp).</summary>
    private long ArmTimer(bool midFrame, long frameStart)
    {
        TimeProvider clock = _server.TimeProvider;
        TimeSpan timeout = midFrame ? Options.FrameTimeout : Options.IdleTimeout;
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return long.MaxValue;
        }

        long now = clock.GetTimestamp();
        long deadline = (midFrame ? frameStart : now) + (long)(timeout.TotalSeconds * clock.TimestampFrequency);
        TimeSpan remaining = clock.GetElapsedTime(now, deadline);
        _timer.Change(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        return deadline;
    }

    private void OnTimeout() => Wake();

    // Ends the wait in progress: the zero-byte wait between frames by shutting the socket's receiving side (the
    // connection closes either way), a read inside a frame by cancelling it.
    private void Wake()
    {
        if (Volatile.Read(ref _waitingIdle) == 1)
        {
            _transport.ShutdownReceive();
        }
        else
        {
            Volatile.Read(ref _input)?.CancelPendingRead();
        }
    }

    private async Task CloseAsync(IDuplexPipe? pipe, SslStream? tls)
    {
        try
        {
            _timer.Dispose();
            Volatile.Write(ref _input, null);
            if (pipe is not null)
            {
                // Completing the pipe returns its buffers to the pool.
                await StreamDuplexPipe.CompleteQuietlyAsync(pipe).ConfigureAwait(false);
            }

            await _transport.DisposeAsync().ConfigureAwait(false);
            if (tls is not null)
            {
                await tls.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // Closing must never take the process down: the connection is gone either way.
            ServerLog.IoError(_server.Logger, Id, ex);
        }
        finally
        {
            _server.Metrics.ConnectionClosed();
            ServerLog.ConnectionClosed(_server.Logger, Id);
            _server.InvokeCallback(Options.ConnectionClosed, this);
            _server.OnConnectionClosed(this);
        }
    }
}
