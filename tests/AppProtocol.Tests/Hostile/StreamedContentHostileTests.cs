using System.Buffers;
using System.IO.Pipelines;
using AppProtocol.Framing;
using AppProtocol.Server;
using AppProtocol.Tests.Server;
using AppProtocol.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static AppProtocol.Tests.Server.StreamedRequests;

namespace AppProtocol.Tests.Hostile;

/// <summary>Streamed request content from hostile or broken peers, and handlers that break the length contract.</summary>
public sealed class StreamedContentHostileTests
{
    private static readonly TimeSpan Long = TimeSpan.FromHours(1);

    [Fact]
    public async Task Content_shorter_than_declared_then_a_close_is_a_bad_request_and_the_connection_ends()
    {
        var failure = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using InMemoryServer server = await StartAsync(async (exchange, ct) =>
        {
            try
            {
                await CountAsync(exchange.RequestContent, ct);
            }
            catch (Exception ex)
            {
                failure.TrySetResult(ex);
                throw;
            }
        });
        await using InMemoryServer.Client client = await server.ConnectAsync();

        await client.SendAsync(HeaderOf(100_000).Concat(RandomBytes(60_000)).ToArray());
        await client.ShutdownSendAsync();

        ProtocolException error = Assert.IsType<ProtocolException>(await failure.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(ProtocolError.TruncatedFrame, error.Error);
        Assert.Contains("after 60000 of its 100000 bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(FrameErrors.BadRequest, Requests.Error((await client.ReadAsync())!.Value));
        await client.AssertClosedByServerAsync();
    }

    [Fact]
    public async Task A_stall_mid_stream_trips_the_minimum_data_rate_closes_the_connection_and_is_logged()
    {
        var (clock, log) = (new FakeTimeProvider(), new LogSignal());
        using var metrics = new MetricsRecorder();
        await using InMemoryServer server = await StartAsync(HashHandler, configure: b =>
        {
            Configure(b, clock, log);
            b.Options.MeterFactory = metrics.Factory;
        });
        await using InMemoryServer.Client client = await server.ConnectAsync();

        await client.SendAsync(HeaderOf(100_000).Concat(RandomBytes(1200)).ToArray());
        await log.WaitAsync("WaitingForContent");

        // 1,200 bytes earn 5 s of grace plus 5 s at 240 B/s: 9 s waited is within, 11 s is not.
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, log.Count("TimedOut"));
        clock.Advance(TimeSpan.FromSeconds(2));

        await client.AssertClosedByServerAsync();
        await server.FirstClosed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, metrics.Sum("appprotocol.server.errors", "timeout"));
        Assert.Contains(log.Events, e => e.Name == "TimedOut" && e.Message.Contains("slower than the minimum data rate", StringComparison.Ordinal));

        // A cancellation through the token, not a handler failure: no error log, no error reply attempted.
        Assert.Equal(0, log.Count("HandlerFailed"));
    }

    [Fact]
    public async Task A_steady_stream_longer_than_the_frame_timeout_is_never_cut_off()
    {
        var (clock, log) = (new FakeTimeProvider(), new LogSignal());
        byte[] content = RandomBytes(40 * 1000);
        await using InMemoryServer server = await StartAsync(HashHandler, configure: b => Configure(b, clock, log));
        await using InMemoryServer.Client client = await server.ConnectAsync();

        await client.SendAsync(HeaderOf(content.Length));
        for (int second = 0; second < 40; second++)
        {
            // Each wait for content is seen before the clock moves: 1,000 bytes a second, far above 240 B/s, for 40 s.
            await log.WaitAsync("WaitingForContent", second + 1);
            clock.Advance(TimeSpan.FromSeconds(1));
            await client.SendAsync(content.AsMemory(second * 1000, 1000));
        }

        Assert.Equal(Expected(streamed: true, content), Requests.Text((await client.ReadAsync())!.Value));
        Assert.Equal(0, log.Count("TimedOut"));
    }

    [Fact]
    public async Task A_handler_that_never_reads_holds_no_more_than_the_pipe_pause_threshold()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        byte[] content = RandomBytes(4 * 1024 * 1024);
        await using InMemoryServer server = await StartAsync(async (exchange, ct) =>
        {
            await release.Task.WaitAsync(ct);
            await HashHandler(exchange, ct);
        });
        await using InMemoryServer.Client client = await server.ConnectAsync();
        PipeWriter output = client.Connection.Transport.Output;
        byte[] frame = Requests.Binary(content);

        // The in-memory pipe pushes back at PipeOptions.Default's 64 KiB: the server reads nothing past the header.
        int sent = 0;
        ValueTask<FlushResult> flush = default;
        while (sent < frame.Length)
        {
            int chunk = Math.Min(4096, frame.Length - sent);
            output.Write(frame.AsSpan(sent, chunk));
            sent += chunk;
            flush = output.FlushAsync();
            if (!flush.IsCompleted)
            {
                break;
            }
        }

        Assert.False(flush.IsCompleted, $"All {sent} bytes were taken while the handler did not read.");
        Assert.InRange(sent, 64 * 1024, 64 * 1024 + 4096 + HeaderOf(content.Length).Length);

        release.SetResult();
        await flush;
        await output.WriteAsync(frame.AsMemory(sent));
        Assert.Equal(Expected(streamed: true, content), Requests.Text((await client.ReadAsync())!.Value));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(+1)]
    public async Task A_handler_echoing_streamed_content_with_a_wrong_length_never_sends_a_corrupt_frame(int error)
    {
        byte[] content = RandomBytes(300_000);
        await using InMemoryServer server = await StartAsync(
            (exchange, ct) => exchange.RespondAsync(FrameHeader.Binary("binary/echo", content.Length - error), exchange.RequestContentStream, ct));
        await using InMemoryServer.Client client = await server.ConnectAsync();

        // Sent while the echo is read: the echo pushes back on the handler, and so on the upload.
        Task sending = client.SendAsync(Requests.Binary(content));

        if (error > 0)
        {
            // Too many: the declared bytes go out as a whole frame, then the connection closes.
            Frame echoed = (await client.ReadAsync())!.Value;
            Assert.True(content.AsSpan(0, content.Length - error).SequenceEqual(echoed.Content.ToArray()));
        }

        // Too few: part of a frame is on the wire, so the connection is reset, never closed as if it were whole.
        await AssertEndsWithoutAnotherFrameAsync(client);
        await Record.ExceptionAsync(() => sending);
    }

    [Fact]
    public async Task Streamed_exchanges_and_a_truncated_one_return_every_buffer_to_the_pool_over_sockets()
    {
        var pool = new CountingMemoryPool();
        var tracker = new ConnectionTracker();
        byte[] content = RandomBytes(2 * 1024 * 1024);
        await using TestServer server = await TestServer.StartAsync(HashHandler, o =>
        {
            tracker.Attach(o);
            o.MemoryPool = pool;
            o.RequestStreamingThreshold = 1024;
        });
        await using (RawClient client = await server.ConnectAsync())
        {
            Assert.Equal(Expected(streamed: true, content), Requests.Text(await client.ExchangeAsync(Requests.Binary(content))));
            Assert.Equal(Expected(streamed: true, content), Requests.Text(await client.ExchangeAsync(Requests.Binary(content))));
        }

        await using (RawClient truncated = await server.ConnectAsync())
        {
            await truncated.SendAsync(HeaderOf(content.Length).Concat(content[..100_000]).ToArray());
            truncated.ShutdownSend();
            Assert.Equal(FrameErrors.BadRequest, Requests.Error((await truncated.ReadFrameAsync())!.Value));
        }

        await tracker.WaitClosedAsync(2);
        await tracker.WaitNoneActiveAsync(server.Server);
        Assert.True(pool.Rented > 0);
        Assert.Equal(0, pool.Outstanding);
    }

    private static void Configure(FrameServerBuilder builder, FakeTimeProvider clock, LogSignal log)
    {
        builder.LoggerFactory = log;
        builder.Options.TimeProvider = clock;
        builder.Options.IdleTimeout = Long;
        builder.Options.FrameTimeout = TimeSpan.FromSeconds(10);
    }

    private static async Task AssertEndsWithoutAnotherFrameAsync(InMemoryServer.Client client)
    {
        try
        {
            Assert.Null(await client.ReadAsync());
        }
        catch (Exception ex) when (ex is ProtocolException or OperationCanceledException)
        {
            // A reset mid-frame: the reader sees a truncated frame, or the abort.
        }
    }
}
