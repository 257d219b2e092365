using System.Net.Sockets;
using AppProtocol.Framing;
using AppProtocol.Server;
using AppProtocol.Tests.Server;
using AppProtocol.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace AppProtocol.Tests.Transport;

/// <summary>
/// What only real sockets show of a <see cref="FrameServer"/>: its listener's accept loop, its closing, and a send stuck
/// on a peer that does not read. The server core's behaviour is tested on the in-memory transport (Server/ tests).
/// </summary>
public class SocketServerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Accept_loop_survives_clients_that_reset_at_once()
    {
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler);

        for (int i = 0; i < 20; i++)
        {
            (await server.ConnectAsync()).Reset();
        }

        await using RawClient client = await server.ConnectAsync();
        Assert.Equal("No match for 'a'.", Requests.Result(await client.ExchangeAsync(Requests.Search("a"))));
    }

    [Fact]
    public async Task Stop_closes_the_listening_socket_at_once_while_an_exchange_is_still_in_flight()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(
            async (exchange, ct) =>
            {
                entered.SetResult();
                await release.Task.WaitAsync(ct);
                exchange.Respond(FrameHeader.Binary("binary/test", 4), "done"u8);
            },
            o => o.ShutdownTimeout = TimeSpan.FromHours(1));
        await using RawClient busy = await server.ConnectAsync();
        await busy.SendAsync(Requests.Binary("x"));
        await entered.Task.WaitAsync(Patience);

        Task stopping = server.Server.StopAsync();

        await Assert.ThrowsAnyAsync<SocketException>(() => server.ConnectAsync());
        Assert.False(stopping.IsCompleted);
        release.SetResult();
        Assert.Equal("done", Requests.Text((await busy.ReadFrameAsync())!.Value));
        await busy.AssertClosedByServerAsync();
        await stopping.WaitAsync(Patience);
    }

    /// <summary>
    /// On sockets because the subject includes the transport: the write deadline's abort must end a send stuck on a
    /// peer that does not read, while that peer is still connected. (The in-memory transport's abort does not end its
    /// pending flush: the server's connection there only finishes once the client goes away.)
    /// </summary>
    [Fact]
    public async Task Client_that_stops_reading_is_closed_at_the_minimum_response_data_rate_and_others_are_served()
    {
        var (clock, log) = (new FakeTimeProvider(), new LogSignal());
        using var metrics = new MetricsRecorder();
        byte[] large = new byte[4 * 1024 * 1024];
        await using TestServer server = await TestServer.StartAsync(
            (exchange, _) =>
            {
                byte[] answer = Requests.Text(exchange.Request) == "large" ? large : "ok"u8.ToArray();
                exchange.Respond(FrameHeader.Binary("binary/test", answer.Length), answer);
                return ValueTask.CompletedTask;
            },
            o =>
            {
                o.TimeProvider = clock;
                o.MeterFactory = metrics.Factory;
                o.MinResponseDataRate = new DataRate(240, TimeSpan.FromSeconds(5));
            },
            log);
        using var stalled = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await stalled.ConnectAsync(server.EndPoint);
        await stalled.SendAsync(Requests.Binary("large"));

        // 4 MiB cannot fit the socket buffers of a client that reads nothing: the server's flush waits.
        await log.WaitAsync("WaitingForReader");
        clock.Advance(TimeSpan.FromSeconds(5) + TimeSpan.FromSeconds(large.Length / 240.0) - TimeSpan.FromSeconds(2));
        Assert.Equal(0, log.Count("TimedOut"));
        clock.Advance(TimeSpan.FromSeconds(3));

        await server.FirstClosed.WaitAsync(Patience);
        Assert.Contains(log.Events, e => e.Name == "TimedOut" && e.Message.Contains("does not read", StringComparison.Ordinal));
        Assert.Equal(1, metrics.Sum("appprotocol.server.errors", "timeout"));
        await using RawClient other = await server.ConnectAsync();
        Assert.Equal("ok", Requests.Text(await other.ExchangeAsync(Requests.Binary("small"))));
    }
}
