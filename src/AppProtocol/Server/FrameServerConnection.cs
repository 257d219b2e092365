using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using AppProtocol.Diagnostics;
using AppProtocol.Framing;
using AppProtocol.Pipelines;
using AppProtocol.Transport;
using AppProtocol.Transport.Features;
using Microsoft.AspNetCore.Connections;

namespace AppProtocol.Server;

/// <summary>Serves the frames of one connection: wait, read every whole request, answer each in order, flush once.</summary>
/// <remarks>
/// On a <see cref="ProtocolException"/> in the framing, the answers to the whole requests before the bad frame
/// are sent, then the connection is closed without a reply, as the reference server does: the stream cannot be
/// resynchronised. A handler's failure is answered with an error reply instead (see <see cref="ExchangeErrorMapper"/>).
/// Timeouts are deadlines that the server's heartbeat checks (<see cref="OnHeartbeat"/>).
/// </remarks>
internal sealed partial class FrameServerConnection : FrameConnectionInfo, IConnectionTimeoutFeature
{
    // Answers of pipelined requests are flushed together, but no more than this many bytes are held back.
    private const int FlushThreshold = 64 * 1024;

    private readonly ServerSettings _settings;
    private readonly ConnectionContext _context;
    private ConnectionDeadline _deadline;
    private CancellationTokenSource? _exchangeAborted;
    private IWaitForDataFeature? _wait;
    private PipeReader? _input;
    private RequestContentReader _content = null!;
    private volatile bool _stopRequested;
    private volatile string? _timedOut;
    private string? _middlewareStep;

    // 1 while the loop waits for a new frame; a stop or a timeout then ends the wait.
    private int _waitingIdle;

    public FrameServerConnection(ServerSettings settings, ConnectionContext context, long id, MetricTags tags)
        : base(context, id, tags)
    {
        _settings = settings;
        _context = context;
    }


    public ConnectionContext Context => _context;

    /// <summary>Completes when the connection is done and forgotten by the server.</summary>
    public Task Completion { get; set; } = Task.CompletedTask;

    /// <summary>Asks the connection to close once its exchange in flight (if any) is answered.</summary>
    public void RequestStop()
    {
        _stopRequested = true;

        // Pairs with the fence in StartWaiting: either it sees the request, or this sees its wait.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _waitingIdle) == 1 && !DrainOrEnd(_settings.Clock.GetTimestamp()))
        {
            EndWait();
        }
    }

    /// <summary>Ends the connection now: the handler's token is cancelled and the transport closed.</summary>
    public void Abort(string reason)
    {
        CancelExchange();
        _context.Abort(new ConnectionAbortedException(reason));
    }

    /// <summary>Acts on a deadline that has passed.</summary>
    public void OnHeartbeat(long now)
    {
        switch (_deadline.Expired(now))
        {
            case DeadlineKind.Idle:
                _timedOut = "while idle";
                EndWait();
                break;
            case DeadlineKind.Drain:
                _drainOver = true;
                EndWait();
                break;
            case DeadlineKind.Frame:
                _timedOut = "inside a frame";
                Volatile.Read(ref _input)?.CancelPendingRead();
                break;
            case DeadlineKind.Write:
                _timedOut = "writing a response the client does not read";
                Abort("The client reads responses slower than the minimum data rate.");
                break;
            case DeadlineKind.Content:
                OnContentTooSlow();
                break;
            case DeadlineKind.Middleware:
                _timedOut = _middlewareStep;
                Abort($"Timed out {_middlewareStep}.");
                break;
        }
    }

    void IConnectionTimeoutFeature.SetTimeout(TimeSpan timeout, string reason)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _middlewareStep = reason;
        _deadline.Set(DeadlineKind.Middleware, _settings.Clock.GetTimestamp(), timeout, _settings.Clock);
        ServerLog.StepTimeoutSet(_settings.Logger, Id, timeout, reason);
    }

    void IConnectionTimeoutFeature.ResetTimeout() => _deadline.Clear();

    /// <summary>Whether the frame loop started, after the connection middleware (a PROXY header, a TLS handshake), and said so.</summary>
    public bool Opened { get; private set; }

    /// <summary>The reason the connection timed out, if it did (for the log line and the metric).</summary>
    public string? TimedOut => _timedOut;

    /// <summary>Serves frames until the peer ends the stream, a stop is requested, a timeout passes or a frame is bad.</summary>
    /// <remarks>
    /// No token on the reads nor on the flushes: the heartbeat cancels a pending read, an abort closes the transport;
    /// a token would cost each connection a registration for its whole life.
    /// </remarks>
    public async Task ServeFramesAsync(ConnectionContext context)
    {
        // The wait feature first: a transport whose pipe would wait with zero-byte reads of its own then skips them.
        // Opened only now: the connection middleware may have changed who the client is (the PROXY protocol) or refused it.
        Opened = true;
        _settings.Notify(_settings.ConnectionOpened, this);
        _wait = context.Features.Get<IWaitForDataFeature>();
        IDuplexPipe pipe = context.Transport;
        Volatile.Write(ref _input, pipe.Input);
        var reader = new FrameReader(pipe.Input, _settings.Parser)
        {
            StreamContentOver = _settings.RequestStreamingThreshold,
            MaxBufferedContentLength = _settings.MaxBufferedContentLength,
        };
        _content = new RequestContentReader(this);
        var exchange = new FrameExchange(this, pipe.Output, _content);
        TimeProvider clock = _settings.Clock;
        _lastAnswered = clock.GetTimestamp();
        _deadline.Set(DeadlineKind.Idle, _lastAnswered, _settings.IdleTimeout, clock);
        try
        {
            while (true)
            {
                if (!reader.IsMidFrame)
                {
                    // The wait is awaited here rather than in a method of its own: an idle connection then holds no
                    // state machine for it, only the socket's pending zero-byte read.
                    if (!StartWaiting())
                    {
                        return;
                    }

                    try
                    {
                        await WaitForDataAsync(pipe.Input).ConfigureAwait(false);
                    }
                    catch (Exception) when (_stopRequested || _timedOut is not null)
                    {
                        // Ended on purpose.
                    }
                    finally
                    {
                        Interlocked.Exchange(ref _waitingIdle, 0);
                    }

                    if (!FrameStarted())
                    {
                        return;
                    }
                }

                if (await reader.ReadFrameAsync().ConfigureAwait(false) is not { } first)
                {
                    return;
                }

                _deadline.Clear();
                if (await AnswerBatchAsync(reader, pipe.Output, exchange, first).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_timedOut is not null)
        {
            // A read cancelled by the heartbeat: reported by the caller through TimedOut.
        }
        finally
        {
            await FinishAsync(pipe).ConfigureAwait(false);
        }
    }

    // After the wait: false when it ended for a stop or a timeout; else the frame's time starts now.
    private bool FrameStarted()
    {
        if (_drainOver || _timedOut is not null)
        {
            return false;
        }

        _deadline.Set(DeadlineKind.Frame, _settings.Clock.GetTimestamp(), _settings.FrameTimeout, _settings.Clock);
        Trace(receiving: true);
        return true;
    }

    private ValueTask FinishAsync(IDuplexPipe pipe)
    {
        Volatile.Write(ref _input, null);
        _deadline.Clear();

        // Done with the pipe: completing it returns its buffers now, not when the host gets to dispose the connection.
        return StreamDuplexPipe.CompleteQuietlyAsync(pipe);
    }

    /// <summary>Answers the frame read and every whole frame after it already buffered, then flushes; returns whether to close.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> AnswerBatchAsync(FrameReader reader, PipeWriter output, FrameExchange exchange, Frame frame)
    {
        bool close;
        try
        {
            while (true)
            {
                _settings.Metrics.FrameReceived(reader.LastFrameLength, Tags);
                close = (reader.IsContentStreamed
                        ? await HandleStreamedAsync(reader, output, exchange, frame).ConfigureAwait(false)
                        : await HandleAsync(exchange, frame, !reader.IsMidFrame).ConfigureAwait(false))
                    || _settings.CloseAfterResponse || _stopRequested;
                if (close || !reader.TryReadFrame(out frame))
                {
                    break;
                }

                if (output.UnflushedBytes >= FlushThreshold)
                {
                    await FlushAsync(output).ConfigureAwait(false);
                }
            }
        }
        catch (ProtocolException)
        {
            // The answers before the bad frame are still owed.
            await FlushAsync(output).ConfigureAwait(false);
            throw;
        }

        TimeProvider clock = _settings.Clock;
        long end = clock.GetTimestamp();
        _lastAnswered = end;
        close |= await FlushAsync(output).ConfigureAwait(false);

        // What is left is the start of the next frame: its time runs from now, not from the batch's first byte.
        _deadline.Set(reader.IsMidFrame ? DeadlineKind.Frame : DeadlineKind.Idle, end, reader.IsMidFrame ? _settings.FrameTimeout : _settings.IdleTimeout, clock);
        return close;
    }

    internal override ValueTask<bool> FlushResponseAsync(PipeWriter output) => FlushAsync(output);

    internal override bool StopRequested => _stopRequested;

    /// <summary>Flushes under the minimum response data rate; returns whether the peer has gone.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FlushAsync(PipeWriter output)
    {
        long pending = output.UnflushedBytes;
        if (pending == 0)
        {
            return false;
        }

        // The minimum data rate applies only to a flush that waits: most complete at once, and cost no deadline.
        ValueTask<FlushResult> flushing = output.FlushAsync();
        if (!flushing.IsCompleted)
        {
            if (_settings.MinResponseDataRate is { } rate)
            {
                _deadline.Set(DeadlineKind.Write, _settings.Clock.GetTimestamp(), rate.TimeAllowed(pending), _settings.Clock);
            }

            ServerLog.WaitingForReader(_settings.Logger, Id, pending);
        }

        FlushResult flushed = await flushing.ConfigureAwait(false);
        if (_deadline.Kind == DeadlineKind.Write)
        {
            _deadline.Clear();
        }

        return flushed.IsCompleted;
    }


}
