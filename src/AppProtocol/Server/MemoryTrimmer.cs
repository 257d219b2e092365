namespace AppProtocol.Server;

/// <summary>
/// After a surge of connections has ended, has the collector give its idle memory back to the system, once.
/// </summary>
/// <remarks>
/// A quiet server allocates nothing, so no collection runs and the memory that thousands of connections needed stays
/// committed: after floods of 2,000 stalled connections, 30 MiB over a fresh server, and an ordinary full collection
/// did not return it (docs/RELIABILITY.md, section 11). An aggressive collection does. It blocks the process for a
/// moment (milliseconds with a small live heap), so it runs only when the open connections have stayed at a quarter
/// of a peak of at least <see cref="MinimumPeak"/> for <see cref="QuietTime"/>; the next one needs a new peak.
/// </remarks>
internal sealed class MemoryTrimmer(TimeProvider clock, Action trim)
{
    /// <summary>The smallest surge worth a collection: below it, what connections leave behind is a few MiB at most.</summary>
    public const int MinimumPeak = 1_000;

    /// <summary>How long the connection count must stay low first, so that a pause inside a surge does not trigger it.</summary>
    public static readonly TimeSpan QuietTime = TimeSpan.FromSeconds(10);

    private int _peak;
    private long _quietSince = -1;

    /// <summary>Called on every heartbeat with the number of open connections.</summary>
    public void OnHeartbeat(long now, int open)
    {
        if (open > _peak)
        {
            _peak = open;
            _quietSince = -1;
        }
        else if (_peak < MinimumPeak || open > _peak / 4)
        {
            _quietSince = -1;
        }
        else if (_quietSince < 0)
        {
            _quietSince = now;
        }
        else if (clock.GetElapsedTime(_quietSince, now) >= QuietTime)
        {
            _peak = open;
            _quietSince = -1;
            trim();
        }
    }

    /// <summary>The collection: blocking and compacting, as an aggressive one must be, off the heartbeat's thread.</summary>
    public static void CollectAggressively(Action done) =>
        ThreadPool.UnsafeQueueUserWorkItem(
            static d =>
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                d();
            },
            done,
            preferLocal: false);
}
