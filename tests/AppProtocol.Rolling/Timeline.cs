using System.Diagnostics;

namespace AppProtocol.Rolling;

/// <summary>
/// When things happened during a run, in milliseconds since it started: the restarts' steps (SIGTERM, exit, listening
/// again) and each failed call, so that the report can say where failures fall relative to each SIGTERM.
/// </summary>
internal sealed class Timeline
{
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly Lock _gate = new();
    private readonly List<(double At, string What)> _events = [];
    private readonly List<(double At, string What)> _failures = [];

    public double Now => Stopwatch.GetElapsedTime(_start).TotalMilliseconds;

    public void Event(string what)
    {
        lock (_gate)
        {
            _events.Add((Now, what));
        }
    }

    public void Failure(string what)
    {
        lock (_gate)
        {
            _failures.Add((Now, what));
        }
    }

    public IReadOnlyList<(double At, string What)> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public IReadOnlyList<(double At, string What)> Failures
    {
        get
        {
            lock (_gate)
            {
                return [.. _failures];
            }
        }
    }
}
