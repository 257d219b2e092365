using AppProtocol.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace AppProtocol.Tests.Server;

/// <summary>Timeouts on a fake clock: the heartbeat ticks as the test advances it, and the server's trace events say when it reached each wait.</summary>
public class TimeoutTests
{
    private static readonly TimeSpan Long = TimeSpan.FromHours(1);

    [Fact]
    public async Task Idle_connection_is_closed_after_the_idle_timeout()
    {
        var clock = new FakeTimeProvider();
        var log = new LogSignal();
        await using TestServer server = await TestServer.StartAsync(
            o =>
            {
                o.TimeProvider = clock;
                o.IdleTimeout = TimeSpan.FromSeconds(30);
                o.FrameTimeout = Long;
            },
            loggerFactory: log);
        await using RawClient client = await server.ConnectAsync();
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
        await using TestServer server = await StartWithFrameTimeoutAsync(clock, log);
        await using RawClient client = await server.ConnectAsync();
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
        await using TestServer server = await StartWithFrameTimeoutAsync(clock, log);
        await using RawClient client = await server.ConnectAsync();
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
        var clock = new FakeTimeProvider();
        var log = new LogSignal();
        using var metrics = new MetricsRecorder();
        await using TestServer server = await TestServer.StartAsync(
            o =>
            {
                o.TimeProvider = clock;
                o.MeterFactory = metrics.Factory;
                o.IdleTimeout = TimeSpan.FromSeconds(5);
            },
            loggerFactory: log);
        await using RawClient client = await server.ConnectAsync();
        await log.WaitAsync("WaitingForFrame");

        clock.Advance(TimeSpan.FromSeconds(5));

        await client.AssertClosedByServerAsync();
        await server.FirstClosed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, metrics.Sum("appprotocol.server.errors", "timeout"));
        Assert.Contains(log.Events, e => e.Name == "TimedOut" && e.Message.Contains("while idle", StringComparison.Ordinal));
    }

    private static Task<TestServer> StartWithFrameTimeoutAsync(FakeTimeProvider clock, LogSignal log) => TestServer.StartAsync(
        o =>
        {
            o.TimeProvider = clock;
            o.IdleTimeout = Long;
            o.FrameTimeout = TimeSpan.FromSeconds(10);
        },
        loggerFactory: log);

    [Fact]
    public void Timeouts_are_validated_when_set_and_the_error_names_the_setting()
    {
        var options = new AppProtocol.Server.FrameServerOptions();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => options.FrameTimeout = TimeSpan.Zero);

        Assert.Equal("FrameTimeout", error.ParamName);
        Assert.Equal("IdleTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => options.IdleTimeout = TimeSpan.FromSeconds(-1)).ParamName);
        Assert.Equal("MaxConcurrentConnections", Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxConcurrentConnections = 0).ParamName);
        options.IdleTimeout = Timeout.InfiniteTimeSpan;
    }
}

public class SlowReaderTests
{
    [Fact]
    public async Task Client_that_stops_reading_is_closed_at_the_minimum_response_data_rate_and_others_are_served()
    {
        var clock = new FakeTimeProvider();
        var log = new LogSignal();
        using var metrics = new MetricsRecorder();
        byte[] large = new byte[4 * 1024 * 1024];
        await using TestServer server = await TestServer.StartAsync(
            o =>
            {
                o.TimeProvider = clock;
                o.MeterFactory = metrics.Factory;
                o.MinResponseDataRate = new AppProtocol.Server.DataRate(240, TimeSpan.FromSeconds(5));
            },
            (exchange, _) =>
            {
                if (Requests.Text(exchange.Request) == "large")
                {
                    exchange.Respond(AppProtocol.Framing.FrameHeader.Binary("binary/test", large.Length), large);
                }
                else
                {
                    exchange.Respond(AppProtocol.Framing.FrameHeader.Binary("binary/test", 2), "ok"u8);
                }

                return ValueTask.CompletedTask;
            },
            log);
        using var stalled = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await stalled.ConnectAsync(server.EndPoint);
        await stalled.SendAsync(Requests.Binary("large"));

        // 4 MiB cannot fit the socket buffers of a client that reads nothing: the server's flush waits.
        await log.WaitAsync("WaitingForReader");
        clock.Advance(TimeSpan.FromSeconds(5) + TimeSpan.FromSeconds(large.Length / 240.0) - TimeSpan.FromSeconds(2));
        Assert.Equal(0, log.Count("TimedOut"));
        clock.Advance(TimeSpan.FromSeconds(3));

        await server.FirstClosed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains(log.Events, e => e.Name == "TimedOut" && e.Message.Contains("does not read", StringComparison.Ordinal));
        Assert.Equal(1, metrics.Sum("appprotocol.server.errors", "timeout"));
        await using RawClient other = await server.ConnectAsync();
        Assert.Equal("ok", Requests.Text(await other.ExchangeAsync(Requests.Binary("small"))));
    }
}
