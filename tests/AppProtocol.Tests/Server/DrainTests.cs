using AppProtocol.Framing;
using AppProtocol.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace AppProtocol.Tests.Server;

/// <summary>
/// A stopping server's drain grace, on a fake clock and the in-memory transport: a connection that has just answered
/// may send one more request, answered with <c>"connection": "close"</c>; one idle for longer closes at once.
/// </summary>
public sealed class DrainTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_connection_that_has_just_answered_gets_its_next_request_answered_with_connection_close()
    {
        var (clock, log) = (new FakeTimeProvider(), new LogSignal());
        await using InMemoryServer server = await StartAsync(clock, log);
        await using InMemoryServer.Client stale = await server.ConnectAsync();
        await stale.ExchangeAsync(Requests.Search("morpheus"));
        clock.Advance(TimeSpan.FromSeconds(2));
        await using InMemoryServer.Client recent = await server.ConnectAsync();
        Assert.False(ConnectionMember.IsClose((await recent.ExchangeAsync(Requests.Search("ring"))).Header));
        await log.WaitAsync("WaitingForFrame", 3);

        Task stopping = server.Server.StopAsync();

        await stale.AssertClosedByServerAsync();
        Frame last = await recent.ExchangeAsync(Requests.Search("ring"));
        Assert.Equal("In the caves beneath the Misty Mountains. \U0001F48D", Requests.Result(last));
        Assert.True(ConnectionMember.IsClose(last.Header));
        await recent.AssertClosedByServerAsync();
        await stopping.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_connection_that_sends_nothing_within_the_grace_is_closed_when_it_passes()
    {
        var (clock, log) = (new FakeTimeProvider(), new LogSignal());
        await using InMemoryServer server = await StartAsync(clock, log);
        await using InMemoryServer.Client recent = await server.ConnectAsync();
        await recent.ExchangeAsync(Requests.Search("morpheus"));
        await log.WaitAsync("WaitingForFrame", 2);

        Task stopping = server.Server.StopAsync();
        Assert.False(stopping.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));

        await recent.AssertClosedByServerAsync();
        await stopping.WaitAsync(Patience);
        Assert.Equal(0, log.Count("TimedOut"));
    }

    [Fact]
    public async Task With_no_grace_every_idle_connection_closes_at_once()
    {
        var (clock, log) = (new FakeTimeProvider(), new LogSignal());
        await using InMemoryServer server = await StartAsync(clock, log, TimeSpan.Zero);
        await using InMemoryServer.Client recent = await server.ConnectAsync();
        await recent.ExchangeAsync(Requests.Search("morpheus"));
        await log.WaitAsync("WaitingForFrame", 2);

        await server.Server.StopAsync().WaitAsync(Patience);

        await recent.AssertClosedByServerAsync();
    }

    private static Task<InMemoryServer> StartAsync(FakeTimeProvider clock, LogSignal log, TimeSpan? grace = null) =>
        InMemoryServer.StartAsync(SearchHandler.Handler, b =>
        {
            b.LoggerFactory = log;
            b.Options.TimeProvider = clock;
            b.Options.ShutdownTimeout = TimeSpan.FromHours(1);
            b.Options.DrainGracePeriod = grace ?? TimeSpan.FromSeconds(1);
        });
}
