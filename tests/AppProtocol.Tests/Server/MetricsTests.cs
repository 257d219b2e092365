using AppProtocol.Tests.Support;

namespace AppProtocol.Tests.Server;

/// <summary>The AppProtocol meter's instruments, on the in-memory transport.</summary>
public class MetricsTests
{
    [Fact]
    public async Task Counts_connections_frames_bytes_errors_and_durations()
    {
        using var metrics = new MetricsRecorder();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int closedCount = 0;
        await using InMemoryServer server = await InMemoryServer.StartAsync(SearchHandler.Handler, b =>
        {
            b.Options.MeterFactory = metrics.Factory;
            b.Options.ConnectionClosed = (_, _) =>
            {
                if (Interlocked.Increment(ref closedCount) == 2)
                {
                    closed.SetResult();
                }
            };
        });
        byte[] first = Requests.Search("morpheus");
        byte[] second = Requests.Binary("foobar");
        long answered;

        await using (InMemoryServer.Client good = await server.ConnectAsync())
        {
            answered = (await good.ExchangeAsync(first)).Content.Length + (await good.ExchangeAsync(second)).Content.Length;
            Assert.Equal(1, metrics.Sum("appprotocol.server.active_connections"));
        }

        await using (InMemoryServer.Client bad = await server.ConnectAsync())
        {
            await bad.SendAsync(Requests.BadHeader());
            Assert.Null(await bad.ReadAsync());
        }

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, metrics.Sum("appprotocol.server.active_connections"));
        Assert.Equal(2, metrics.Sum("appprotocol.server.frames_received"));
        Assert.Equal(2, metrics.Sum("appprotocol.server.frames_sent"));
        Assert.Equal(first.Length + second.Length, metrics.Sum("appprotocol.server.bytes_received"));
        Assert.True(metrics.Sum("appprotocol.server.bytes_sent") > answered);
        Assert.Equal(1, metrics.Sum("appprotocol.server.errors", "InvalidHeaderJson"));
        Assert.Equal(1, metrics.Sum("appprotocol.server.errors"));
        Assert.Equal(2, metrics.Count("appprotocol.server.exchange.duration"));
        Assert.All(metrics.Values("appprotocol.server.exchange.duration"), d => Assert.InRange(d, 0, 10));
    }
}
