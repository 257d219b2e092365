using AppProtocol.Server;
using AppProtocol.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace AppProtocol.Tests.Server;

/// <summary>
/// Timeouts on a fake clock and the in-memory transport: the heartbeat ticks as the test advances it, and the
/// server's trace events say when it reached each wait.
/// </summary>
public class TimeoutTests
{
    private static readonly TimeSpan Long = TimeSpan.FromHours(1);

    [Fact]
    public async Task Idle_connection_is_closed_after_the_idle_timeout()
    {
        var (clock, log) = (new FakeTimeProvider(), new LogSignal());
        await using InMemoryServer server = await StartAsync(clock, log, o =>
        {
            o.IdleTimeout = TimeSpan.FromSeconds(30);
            o.FrameTimeout = Long;
        });
        await using InMemoryServer.Client client = await server.ConnectAsync();
        await log.WaitAsync("WaitingForFrame");

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("No match for 'a'.", Requests.Result(await client.ExchangeAsync(Requests.Search("a"))));
        await log.WaitAsync("WaitingForFrame", 2);
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("No match for 'b'.", Requests.Result(await client.ExchangeAsync(Requests.Search("b"))));
        await log.WaitAsync("WaitingForFrame", 3);
        clock.Advance(TimeSpan.FromSeconds(30));

        await client.AssertClosedByServerAsync();
    }

    [Fact]
    public async Task Slow_trickle_cannot_reset_the_frame_timeout()
    {
        var (clock, log) = (new FakeTimeProvider(), new LogSignal());
        await using InMemoryServer server = await StartWithFrameTimeoutAsync(clock, log);
        await using InMemoryServer.Client client = await server.ConnectAsync();
        byte[] request = Requests.Search("a");
        await log.WaitAsync("WaitingForFrame");

        await client.SendAsync(request.AsMemory(0, 1));
        await log.WaitAsync("ReceivingFrame");
        clock.Advance(TimeSpan.FromSeconds(6));
        await client.SendAsync(request.AsMemory(1, 1));

        // The second byte does not restart the clock: 4 of the 10 seconds are left.
        clock.Advance(TimeSpan.FromSeconds(4));
        await client.AssertClosedByServerAsync();
        Assert.Equal(1, log.Count("ReceivingFrame"));
    }

    [Fact]
    public async Task Frame_arriving_within_the_frame_timeout_is_answered()
    {
        var (clock, log) = (new FakeTimeProvider(), new LogSignal());
        await using InMemoryServer server = await StartWithFrameTimeoutAsync(clock, log);
        await using InMemoryServer.Client client = await server.ConnectAsync();
        byte[] request = Requests.Search("a");
        await log.WaitAsync("WaitingForFrame");

        await client.SendAsync(request.AsMemory(0, 5));
        await log.WaitAsync("ReceivingFrame");
        clock.Advance(TimeSpan.FromSeconds(9));

        Assert.Equal("No match for 'a'.", Requests.Result(await client.ExchangeAsync(request.AsMemory(5))));
    }

    [Fact]
    public async Task Timeout_is_counted_as_an_error_and_logged()
    {
        var (clock, log) = (new FakeTimeProvider(), new LogSignal());
        using var metrics = new MetricsRecorder();
        await using InMemoryServer server = await StartAsync(clock, log, o =>
        {
            o.MeterFactory = metrics.Factory;
            o.IdleTimeout = TimeSpan.FromSeconds(5);
        });
        await using InMemoryServer.Client client = await server.ConnectAsync();
        await log.WaitAsync("WaitingForFrame");

        clock.Advance(TimeSpan.FromSeconds(5));

        await client.AssertClosedByServerAsync();
        await server.FirstClosed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, metrics.Sum("appprotocol.server.errors", "timeout"));
        Assert.Contains(log.Events, e => e.Name == "TimedOut" && e.Message.Contains("while idle", StringComparison.Ordinal));
    }

    [Fact]
    public void Timeouts_are_validated_when_set_and_the_error_names_the_setting()
    {
        var options = new FrameServerOptions();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => options.FrameTimeout = TimeSpan.Zero);

        Assert.Equal("FrameTimeout", error.ParamName);
        Assert.Equal("IdleTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => options.IdleTimeout = TimeSpan.FromSeconds(-1)).ParamName);
        Assert.Equal("MaxConcurrentConnections", Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxConcurrentConnections = 0).ParamName);
        options.IdleTimeout = Timeout.InfiniteTimeSpan;
    }

    /// <summary>A server with <see cref="SearchHandler"/> on <paramref name="clock"/>, logging to <paramref name="log"/>.</summary>
    private static Task<InMemoryServer> StartAsync(TimeProvider clock, LogSignal log, Action<FrameServerOptions> configure) =>
        InMemoryServer.StartAsync(SearchHandler.Handler, b =>
        {
            b.LoggerFactory = log;
            b.Options.TimeProvider = clock;
            configure(b.Options);
        });

    private static Task<InMemoryServer> StartWithFrameTimeoutAsync(FakeTimeProvider clock, LogSignal log) => StartAsync(clock, log, o =>
    {
        o.IdleTimeout = Long;
        o.FrameTimeout = TimeSpan.FromSeconds(10);
    });
}
