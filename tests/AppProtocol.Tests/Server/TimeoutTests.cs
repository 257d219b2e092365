namespace AppProtocol.Tests.Server;

public class TimeoutTests
{
    private static readonly TimeSpan Long = TimeSpan.FromHours(1);

    [Fact]
    public async Task Idle_connection_is_closed_after_the_idle_timeout()
    {
        var clock = new ObservedTimeProvider();
        await using TestServer server = await TestServer.StartAsync(o =>
        {
            o.TimeProvider = clock;
            o.IdleTimeout = TimeSpan.FromSeconds(30);
            o.FrameTimeout = Long;
        });
        await using RawClient client = await server.ConnectAsync();
        await clock.WaitArmedAsync(TimeSpan.FromSeconds(30));

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("No match for 'a'.", Requests.Result(await client.ExchangeAsync(Requests.Search("a"))));
        await clock.WaitArmedAsync(TimeSpan.FromSeconds(30));
        clock.Advance(TimeSpan.FromSeconds(30));

        await client.AssertClosedByServerAsync();
    }

    [Fact]
    public async Task Slow_trickle_cannot_reset_the_frame_timeout()
    {
        var clock = new ObservedTimeProvider();
        await using TestServer server = await TestServer.StartAsync(o =>
        {
            o.TimeProvider = clock;
            o.IdleTimeout = Long;
            o.FrameTimeout = TimeSpan.FromSeconds(10);
        });
        await using RawClient client = await server.ConnectAsync();
        byte[] request = Requests.Search("a");
        await clock.WaitArmedAsync(Long);

        await client.SendAsync(request.AsMemory(0, 1));
        await clock.WaitArmedAsync(TimeSpan.FromSeconds(10));
        clock.Advance(TimeSpan.FromSeconds(6));
        await client.SendAsync(request.AsMemory(1, 1));

        // The second byte does not restart the clock: 4 of the 10 seconds are left.
        await clock.WaitArmedAsync(TimeSpan.FromSeconds(4));
        clock.Advance(TimeSpan.FromSeconds(4));
        await client.AssertClosedByServerAsync();
    }

    [Fact]
    public async Task Frame_arriving_within_the_frame_timeout_is_answered()
    {
        var clock = new ObservedTimeProvider();
        await using TestServer server = await TestServer.StartAsync(o =>
        {
            o.TimeProvider = clock;
            o.IdleTimeout = Long;
            o.FrameTimeout = TimeSpan.FromSeconds(10);
        });
        await using RawClient client = await server.ConnectAsync();
        byte[] request = Requests.Search("a");
        await clock.WaitArmedAsync(Long);

        await client.SendAsync(request.AsMemory(0, 5));
        await clock.WaitArmedAsync(TimeSpan.FromSeconds(10));
        clock.Advance(TimeSpan.FromSeconds(9));

        Assert.Equal("No match for 'a'.", Requests.Result(await client.ExchangeAsync(request.AsMemory(5))));
    }

    [Fact]
    public async Task Timeout_is_counted_as_an_error()
    {
        var clock = new ObservedTimeProvider();
        using var metrics = new MetricsRecorder();
        await using TestServer server = await TestServer.StartAsync(o =>
        {
            o.TimeProvider = clock;
            o.MeterFactory = metrics.Factory;
            o.IdleTimeout = TimeSpan.FromSeconds(5);
        });
        await using RawClient client = await server.ConnectAsync();
        await clock.WaitArmedAsync(TimeSpan.FromSeconds(5));

        clock.Advance(TimeSpan.FromSeconds(5));

        await client.AssertClosedByServerAsync();
        await server.FirstClosed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, metrics.Sum("appprotocol.server.errors", "timeout"));
    }
}
