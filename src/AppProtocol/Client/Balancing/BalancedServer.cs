namespace AppProtocol.Client.Balancing;

/// <summary>One server of a balanced client: its own <see cref="FrameClient"/> (and pool), its calls in progress, and
/// until when it is left out after failing.</summary>
internal sealed class BalancedServer(FrameClient client, int index)
{
    private int _outstanding;
    private int _failures;
    private long _leftOutUntil;

    public FrameClient Client => client;

    public int Index => index;

    public int Outstanding => Volatile.Read(ref _outstanding);

    public long LeftOutUntil => Volatile.Read(ref _leftOutUntil);

    public bool IsUp(long now) => LeftOutUntil <= now;

    public void CallStarted() => Interlocked.Increment(ref _outstanding);

    public void CallEnded() => Interlocked.Decrement(ref _outstanding);

    /// <summary>It answered: back in the rotation, its back-off reset.</summary>
    public void Answered()
    {
        if (Volatile.Read(ref _failures) != 0)
        {
            Volatile.Write(ref _failures, 0);
            Volatile.Write(ref _leftOutUntil, 0);
        }
    }

    /// <summary>It failed: left out for the back-off, doubled for each failure in a row; returns the back-off.</summary>
    public TimeSpan Failed(TimeSpan backoff, TimeSpan max)
    {
        int failures = Interlocked.Increment(ref _failures);
        TimeSpan wait = TimeSpan.FromTicks(Math.Min(max.Ticks, backoff.Ticks << Math.Min(failures - 1, 16)));
        Volatile.Write(ref _leftOutUntil, Environment.TickCount64 + (long)wait.TotalMilliseconds);
        return wait;
    }
}
