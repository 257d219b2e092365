using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace AppProtocol.Tests.Server;

/// <summary>
/// A fake clock that also reports every timer the server arms, with its due time: a test awaits the arming
/// (the proof that the server reached its wait) before it advances the clock, so no race and no sleep.
/// </summary>
public sealed class ObservedTimeProvider : TimeProvider
{
    private readonly Channel<TimeSpan> _armed = Channel.CreateUnbounded<TimeSpan>();

    public FakeTimeProvider Fake { get; } = new();

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Reported once the fake clock has it: a test that advances the clock as soon as it hears must see it fire.
        var timer = new ObservedTimer(this, Fake.CreateTimer(callback, state, dueTime, period));
        Report(dueTime);
        return timer;
    }

    /// <summary>Waits until a timer is armed with exactly <paramref name="dueTime"/>, skipping other armings.</summary>
    public async Task WaitArmedAsync(TimeSpan dueTime)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await _armed.Reader.ReadAsync(patience.Token) != dueTime)
        {
        }
    }

    public void Advance(TimeSpan by) => Fake.Advance(by);

    private void Report(TimeSpan dueTime)
    {
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _armed.Writer.TryWrite(dueTime);
        }
    }

    private sealed class ObservedTimer(ObservedTimeProvider owner, ITimer inner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            bool changed = inner.Change(dueTime, period);
            owner.Report(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
