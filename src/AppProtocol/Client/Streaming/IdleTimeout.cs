namespace AppProtocol.Client.Streaming;

/// <summary>
/// A streamed exchange's timeout: <see cref="FrameClientOptions.RequestTimeout"/> bounds each wait on the server
/// (a write of content, the wait for the response header, a read of content) rather than the whole transfer, so a
/// large transfer that keeps moving never times out and a stalled one does. Cancelled for good once it fires or the
/// caller cancels: the connection is then given up.
/// </summary>
internal sealed class IdleTimeout : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly TimeSpan _limit;
    private CancellationTokenRegistration _caller;

    public IdleTimeout(TimeSpan limit, CancellationToken caller)
    {
        _limit = limit;
        Link(caller);
    }

    /// <summary>Cancelled when a wait took longer than the limit, or a linked caller's token was cancelled.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>The limit of one wait.</summary>
    public TimeSpan Limit => _limit;

    /// <summary>Whether the timeout fired (rather than a caller cancelling).</summary>
    public bool Fired { get; private set; }

    /// <summary>Links the token of the current caller (the one reading the response now), replacing the previous one.</summary>
    public void Link(CancellationToken caller)
    {
        _caller.Dispose();
        _caller = caller.CanBeCanceled ? caller.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _source) : default;
    }

    /// <summary>Starts timing a wait.</summary>
    public void Start()
    {
        if (_limit != Timeout.InfiniteTimeSpan && !_source.IsCancellationRequested)
        {
            _source.CancelAfter(_limit);
        }
    }

    /// <summary>Ends timing a wait that finished.</summary>
    public void Stop()
    {
        if (_limit != Timeout.InfiniteTimeSpan && !_source.IsCancellationRequested)
        {
            _source.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Whether an <see cref="OperationCanceledException"/> came from this timeout, not the caller's token.</summary>
    public bool IsTimeout(CancellationToken caller)
    {
        Fired |= _source.IsCancellationRequested && !caller.IsCancellationRequested;
        return Fired;
    }

    public void Dispose()
    {
        _caller.Dispose();
        _source.Dispose();
    }
}
