using System.IO.Pipelines;
using AppProtocol.Framing;
using AppProtocol.Pipelines;
using AppProtocol.Tests.Server;
using AppProtocol.Tests.Support;

namespace AppProtocol.Tests.Hostile;

/// <summary>The bugs that hurt similar libraries, each shown absent here.</summary>
[Collection(nameof(AllocationSensitive))]
public class RegressionTests
{
    /// <summary>Concurrent connects in the burst test; the issue asks for 10,000, CI runs this many (see docs/RELIABILITY.md).</summary>
    public const int BurstConnects = 1_000;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Bad_frame_closes_without_resynchronising_and_the_next_connection_works()
    {
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler);
        await using (RawClient client = await server.ConnectAsync())
        {
            // A valid frame right behind the bad one must not be parsed: the parser state is gone with the connection.
            await client.SendAsync((byte[])[.. Requests.BadHeader(), .. Requests.Search("ring")]);
            await client.AssertClosedByServerAsync();
        }

        await using RawClient next = await server.ConnectAsync();
        Assert.Equal("No match for 'a'.", Requests.Result(await next.ExchangeAsync(Requests.Search("a"))));
    }

    [Fact]
    public async Task Handler_and_closed_callback_exceptions_do_not_take_the_server_down()
    {
        var tracker = new ConnectionTracker();
        await using TestServer server = await TestServer.StartAsync(
            (exchange, ct) => Requests.Text(exchange.Request) == "boom" ? throw new InvalidOperationException("handler") : SearchHandler.HandleAsync(exchange, ct),
            o =>
            {
                o.ConnectionClosed = (_, _) => throw new InvalidOperationException("callback");
                tracker.Attach(o);
            });

        for (int i = 0; i < 3; i++)
        {
            await using RawClient client = await server.ConnectAsync();
            Assert.Equal(FrameErrors.ServerError, Requests.Error(await client.ExchangeAsync(Requests.Binary("boom"))));
        }

        await tracker.WaitClosedAsync(3);
        await using RawClient good = await server.ConnectAsync();
        Assert.Equal("No match for 'a'.", Requests.Result(await good.ExchangeAsync(Requests.Search("a"))));
    }

    [Fact]
    public async Task Connection_slots_are_not_leaked_when_the_closed_callback_throws()
    {
        var tracker = new ConnectionTracker();
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler, o =>
        {
            o.MaxConcurrentConnections = 2;
            o.ConnectionClosed = (_, _) => throw new InvalidOperationException("callback");
            tracker.Attach(o);
        });

        for (int i = 1; i <= 20; i++)
        {
            RawClient client = await server.ConnectAsync();
            Assert.Equal("No match for 'a'.", Requests.Result(await client.ExchangeAsync(Requests.Search("a"))));
            client.Reset();
            await tracker.WaitClosedAsync(i);
        }

        await tracker.WaitNoneActiveAsync(server.Server);
        await using RawClient last = await server.ConnectAsync();
        Assert.Equal("No match for 'b'.", Requests.Result(await last.ExchangeAsync(Requests.Search("b"))));
    }

    [Fact]
    public async Task Zero_length_content_is_delivered()
    {
        var seen = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync((exchange, ct) =>
        {
            seen.TrySetResult(exchange.Request.Content.Length);
            return SearchHandler.HandleAsync(exchange, ct);
        });
        await using RawClient client = await server.ConnectAsync();

        Frame answer = await client.ExchangeAsync(Requests.Binary([]));

        Assert.Equal(0, await seen.Task.WaitAsync(Patience));
        Assert.Equal((SearchHandler.EchoContentType, 0), (answer.Header.ContentType, answer.Content.Length));
    }

    [Fact]
    public async Task Burst_of_connects_is_served_or_cleanly_refused_and_the_accept_loop_survives()
    {
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler, o => o.MaxConcurrentConnections = BurstConnects / 2);
        byte[] request = Requests.Search("a");

        async Task<bool> OneAsync()
        {
            await using RawClient client = await server.ConnectAsync();
            try
            {
                await client.SendAsync(request);
                return await client.ReadFrameAsync() is not null;
            }
            catch (IOException)
            {
                return false; // Refused over the limit: closed, maybe reset, never hung.
            }
        }

        bool[] served = await Task.WhenAll(Enumerable.Range(0, BurstConnects).Select(_ => Task.Run(OneAsync)));

        Assert.Contains(true, served);
        await using RawClient after = await server.ConnectAsync();
        Assert.Equal("No match for 'a'.", Requests.Result(await after.ExchangeAsync(request)));
    }

    [Fact]
    public async Task Huge_claimed_length_with_few_bytes_allocates_nothing_near_the_claim()
    {
        const int Claimed = 16 * 1024 * 1024;
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler, o => o.Limits = FrameLimits.Default with { MaxContentLength = Claimed });
        await using RawClient warm = await server.ConnectAsync();
        await warm.ExchangeAsync(Requests.Search("a"));
        await using RawClient client = await server.ConnectAsync();
        byte[] frame = HostileClients.Frame(HostileClients.Header(Claimed), "{\"action\"");

        long before = GC.GetTotalAllocatedBytes(precise: true);
        await client.SendAsync(frame);

        // The server has consumed the bytes once another exchange on it completes after them.
        await warm.ExchangeAsync(Requests.Search("b"));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(allocated < Claimed / 4, $"{allocated} bytes allocated for a {Claimed}-byte claim.");
    }

    [Fact]
    public async Task Completing_the_pipe_while_a_read_is_pending_ends_the_read()
    {
        var clean = new Pipe();
        var reader = new FrameReader(clean.Reader);
        ValueTask<Frame?> pending = reader.ReadFrameAsync();
        Assert.False(pending.IsCompleted);
        await clean.Writer.CompleteAsync();
        Assert.Null(await pending.AsTask().WaitAsync(Patience));

        var truncated = new Pipe();
        var midFrame = new FrameReader(truncated.Reader);
        await truncated.Writer.WriteAsync(Requests.Search("a").AsMemory(0, 7));
        ValueTask<Frame?> waiting = midFrame.ReadFrameAsync();
        await truncated.Writer.CompleteAsync();
        ProtocolException error = await Assert.ThrowsAsync<ProtocolException>(() => waiting.AsTask().WaitAsync(Patience));
        Assert.Equal(ProtocolError.TruncatedFrame, error.Error);
    }

    [Fact]
    public async Task Client_that_never_reads_a_large_response_harms_no_one_and_does_not_hang_shutdown()
    {
        byte[] large = new byte[1024 * 1024];
        TestServer server = await TestServer.StartAsync(
            (exchange, ct) =>
            {
                if (Requests.Text(exchange.Request) != "large")
                {
                    return SearchHandler.HandleAsync(exchange, ct);
                }

                exchange.Respond(FrameHeader.Binary("binary/test", large.Length), large);
                return ValueTask.CompletedTask;
            },
            o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(300));
        await using RawClient greedy = await server.ConnectAsync();
        byte[] requests = [.. Enumerable.Repeat(Requests.Binary("large"), 64).SelectMany(r => r)];
        await greedy.SendAsync(requests);
        await using RawClient bystander = await server.ConnectAsync();
        Assert.Equal("No match for 'a'.", Requests.Result(await bystander.ExchangeAsync(Requests.Search("a"))));

        await server.Server.StopAsync().WaitAsync(Patience);
        Assert.Equal(0, server.Server.ActiveConnections);
        await server.DisposeAsync();
    }
}

/// <summary>Tests that measure the process's allocations run alone.</summary>
[CollectionDefinition(nameof(AllocationSensitive), DisableParallelization = true)]
public sealed class AllocationSensitive;
