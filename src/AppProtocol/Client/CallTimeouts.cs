namespace AppProtocol.Client;

/// <summary>
/// The request timeout's token sources, reused from call to call: a source reset with
/// <see cref="CancellationTokenSource.TryReset"/> keeps its timer and its registration nodes, so a call that does not
/// time out allocates nothing for its timeout.
/// </summary>
internal sealed class CallTimeouts(TimeSpan timeout)
{
    private readonly BoundedPool<CancellationTokenSource> _pool = new(64);

    /// <summary>A source that cancels once the timeout has passed; <see langword="null"/> when there is no timeout.</summary>
    public CancellationTokenSource? Start()
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return null;
        }

        if (!_pool.TryRent(out CancellationTokenSource source))
        {
            source = new CancellationTokenSource();
        }

        source.CancelAfter(timeout);
        return source;
    }

    public void End(CancellationTokenSource? source)
    {
        if (source is null)
        {
            return;
        }

        if (source.TryReset())
        {
            _pool.Return(source);
        }
        else
        {
            source.Dispose();
        }
    }
}
