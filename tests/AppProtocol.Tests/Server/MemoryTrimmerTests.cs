using AppProtocol.Server;
using Microsoft.Extensions.Time.Testing;

namespace AppProtocol.Tests.Server;

/// <summary>When the server returns a surge's memory: only after a large surge has fallen to a quarter and stayed there.</summary>
public sealed class MemoryTrimmerTests
{
    private readonly FakeTimeProvider _clock = new();
    private int _trims;

    [Fact]
    public void A_surge_that_falls_to_a_quarter_and_stays_there_is_trimmed_once()
    {
        MemoryTrimmer trimmer = Trimmer();
        Tick(trimmer, 1_000);

        TickFor(trimmer, 250, MemoryTrimmer.QuietTime);

        Assert.Equal(1, _trims);
        TickFor(trimmer, 250, MemoryTrimmer.QuietTime * 3);
        Assert.Equal(1, _trims);
    }

    [Fact]
    public void A_quiet_time_shorter_than_required_does_not_trim()
    {
        MemoryTrimmer trimmer = Trimmer();
        Tick(trimmer, 2_000);

        TickFor(trimmer, 0, MemoryTrimmer.QuietTime - TimeSpan.FromSeconds(2));

        Assert.Equal(0, _trims);
    }

    [Theory]
    [InlineData(999, 0)]
    [InlineData(1_000, 251)]
    public void A_small_surge_or_a_fall_to_more_than_a_quarter_is_never_trimmed(int peak, int after)
    {
        MemoryTrimmer trimmer = Trimmer();
        Tick(trimmer, peak);

        TickFor(trimmer, after, MemoryTrimmer.QuietTime * 3);

        Assert.Equal(0, _trims);
    }

    [Fact]
    public void Connections_rising_again_restart_the_quiet_time_and_a_new_surge_may_be_trimmed_again()
    {
        MemoryTrimmer trimmer = Trimmer();
        Tick(trimmer, 1_000);
        TickFor(trimmer, 100, MemoryTrimmer.QuietTime - TimeSpan.FromSeconds(2));
        Tick(trimmer, 600);
        TickFor(trimmer, 100, MemoryTrimmer.QuietTime - TimeSpan.FromSeconds(2));
        Assert.Equal(0, _trims);

        TickFor(trimmer, 100, TimeSpan.FromSeconds(3));
        Assert.Equal(1, _trims);

        Tick(trimmer, 4_000);
        TickFor(trimmer, 0, MemoryTrimmer.QuietTime + TimeSpan.FromSeconds(1));
        Assert.Equal(2, _trims);
    }

    private MemoryTrimmer Trimmer() => new(_clock, () => _trims++);

    private void Tick(MemoryTrimmer trimmer, int open)
    {
        _clock.Advance(TimeSpan.FromSeconds(1));
        trimmer.OnHeartbeat(_clock.GetTimestamp(), open);
    }

    // Heartbeats once a second, as the server's, for the given time.
    private void TickFor(MemoryTrimmer trimmer, int open, TimeSpan time)
    {
        for (var elapsed = TimeSpan.Zero; elapsed <= time; elapsed += TimeSpan.FromSeconds(1))
        {
            Tick(trimmer, open);
        }
    }
}
