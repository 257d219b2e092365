namespace AppProtocol.Server;

/// <summary>
/// One timer per server that checks every connection's deadline once a second, as Kestrel's heartbeat does, instead
/// of a timer per connection re-armed for every frame.
/// </summary>
internal sealed class Heartbeat : IDisposable
{
    /// <summary>How often deadlines are checked; a timeout fires up to this much late.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _clock;
    private readonly Action<long> _onTick;
    private readonly ITimer _timer;
    private int _ticking;

    /// <summary>Starts ticking.</summary>
    /// <param name="clock">The clock whose timer drives the ticks.</param>
    /// <param name="onTick">Called with the current timestamp on every tick; never twice at once.</param>
    public Heartbeat(TimeProvider clock, Action<long> onTick)
    {
        _clock = clock;
        _onTick = onTick;
        _timer = clock.CreateTimer(static s => ((Heartbeat)s!).Tick(), this, Interval, Interval);
    }

    public void Dispose() => _timer.Dispose();

    private void Tick()
    {
        // A slow tick is skipped rather than run twice at once.
        if (Interlocked.Exchange(ref _ticking, 1) == 0)
        {
            try
            {
                _onTick(_clock.GetTimestamp());
            }
            finally
            {
                Volatile.Write(ref _ticking, 0);
            }
        }
    }
}
