using AppProtocol.Framing;
using AppProtocol.Tests.Support;

namespace AppProtocol.Tests.Server;

/// <summary>Graceful and forced stops, on the in-memory transport.</summary>
public class ShutdownTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Stop_lets_the_exchange_in_flight_finish_then_closes_and_refuses_new_clients()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using InMemoryServer server = await InMemoryServer.StartAsync(
            async (exchange, ct) =>
            {
                entered.SetResult();
                await release.Task.WaitAsync(ct);
                exchange.Respond(FrameHeader.Binary("binary/test", 4), "done"u8);
            },
            b => b.Options.ShutdownTimeout = TimeSpan.FromHours(1));
        await using InMemoryServer.Client busy = await server.ConnectAsync();
        await using InMemoryServer.Client idle = await server.ConnectAsync();
        await busy.SendAsync(Requests.Binary("x"));
        await entered.Task.WaitAsync(Patience);

        Task stopping = server.Server.StopAsync();

        await idle.AssertClosedByServerAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => server.ConnectAsync());
        Assert.False(stopping.IsCompleted);
        release.SetResult();
        Frame answer = (await busy.ReadAsync())!.Value;
        Assert.Equal("done", Requests.Text(answer));
        Assert.True(ConnectionMember.IsClose(answer.Header), "The answer of an exchange in flight when the stop came must say it is the last.");
        await busy.AssertClosedByServerAsync();
        await stopping.WaitAsync(Patience);
        Assert.Equal(0, server.Server.ActiveConnections);
    }

    [Fact]
    public async Task Stop_aborts_exchanges_still_running_after_the_shutdown_timeout()
    {
        var clock = new ObservedTimeProvider();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using InMemoryServer server = await InMemoryServer.StartAsync(
            async (_, ct) =>
            {
                entered.SetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                finally
                {
                    cancelled.SetResult();
                }
            },
            b =>
            {
                b.Options.TimeProvider = clock;
                b.Options.IdleTimeout = Timeout.InfiniteTimeSpan;
                b.Options.ShutdownTimeout = TimeSpan.FromSeconds(3);
            });
        await using InMemoryServer.Client stuck = await server.ConnectAsync();
        await stuck.SendAsync(Requests.Binary("x"));
        await entered.Task.WaitAsync(Patience);

        Task stopping = server.Server.StopAsync();
        await clock.WaitArmedAsync(TimeSpan.FromSeconds(3));
        clock.Advance(TimeSpan.FromSeconds(3));

        await stopping.WaitAsync(Patience);
        await cancelled.Task.WaitAsync(Patience);
        await stuck.AssertClosedByServerAsync();
    }

    [Fact]
    public async Task Stop_and_dispose_are_safe_to_repeat()
    {
        InMemoryServer server = await InMemoryServer.StartAsync(SearchHandler.Handler);
        await using (InMemoryServer.Client client = await server.ConnectAsync())
        {
            Assert.Equal("No match for 'a'.", Requests.Result(await client.ExchangeAsync(Requests.Search("a"))));
        }

        await server.Server.StopAsync();
        await server.Server.StopAsync();
        await server.DisposeAsync();
        await server.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => server.Server.StartAsync());
    }

    [Fact]
    public async Task Stop_with_a_cancelled_token_aborts_at_once()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using InMemoryServer server = await InMemoryServer.StartAsync(
            async (_, ct) =>
            {
                entered.SetResult();
                await Task.Delay(Timeout.Infinite, ct);
            },
            b => b.Options.ShutdownTimeout = TimeSpan.FromHours(1));
        await using InMemoryServer.Client stuck = await server.ConnectAsync();
        await stuck.SendAsync(Requests.Binary("x"));
        await entered.Task.WaitAsync(Patience);

        await server.Server.StopAsync(new CancellationToken(canceled: true)).WaitAsync(Patience);

        await stuck.AssertClosedByServerAsync();
    }
}
