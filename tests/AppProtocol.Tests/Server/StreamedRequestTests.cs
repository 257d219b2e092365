using AppProtocol.Framing;
using AppProtocol.Server;
using static AppProtocol.Tests.Server.StreamedRequests;

namespace AppProtocol.Tests.Server;

/// <summary>Request content streamed to the handler: which path a request takes, exact lengths, the drain, the streamed limit.</summary>
public sealed class StreamedRequestTests
{
    [Fact]
    public async Task Content_over_the_threshold_is_streamed_whole_and_small_content_stays_buffered_on_the_same_connection()
    {
        byte[] large = RandomBytes(3 * 1024 * 1024 + 17);
        byte[] small = RandomBytes(1024);
        await using InMemoryServer server = await StartAsync(HashHandler);
        await using InMemoryServer.Client client = await server.ConnectAsync();

        // Sent in one piece with the small request behind it: the streamed content must stop exactly at its length.
        await client.SendAsync(Requests.Binary(large).Concat(Requests.Binary(small)).ToArray());

        Assert.Equal(Expected(streamed: true, large), Requests.Text((await client.ReadAsync())!.Value));
        Assert.Equal(Expected(streamed: false, small), Requests.Text((await client.ReadAsync())!.Value));
        Assert.Equal(Expected(streamed: true, large), Requests.Text(await client.ExchangeAsync(Requests.Binary(large))));
    }

    [Fact]
    public async Task A_streamed_request_pipelined_between_buffered_ones_is_answered_in_order()
    {
        byte[] large = RandomBytes(2 * 1024 * 1024);
        byte[] small = RandomBytes(100);
        await using InMemoryServer server = await StartAsync(HashHandler);
        await using InMemoryServer.Client client = await server.ConnectAsync();

        await client.SendAsync(Requests.Binary(small).Concat(Requests.Binary(large)).Concat(Requests.Binary(small)).ToArray());

        Assert.Equal(Expected(streamed: false, small), Requests.Text((await client.ReadAsync())!.Value));
        Assert.Equal(Expected(streamed: true, large), Requests.Text((await client.ReadAsync())!.Value));
        Assert.Equal(Expected(streamed: false, small), Requests.Text((await client.ReadAsync())!.Value));
    }

    [Fact]
    public async Task A_streamed_request_has_its_header_but_no_buffered_frame()
    {
        var seen = new TaskCompletionSource<(FrameHeader Header, Exception? Request)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using InMemoryServer server = await StartAsync(async (exchange, ct) =>
        {
            seen.TrySetResult((exchange.RequestHeader, Record.Exception(() => exchange.Request)));
            await CountAsync(exchange.RequestContent, ct);
            exchange.Respond(FrameHeader.Binary("binary/x", 2), "ok"u8);
        });
        await using InMemoryServer.Client client = await server.ConnectAsync();

        Assert.Equal("ok", Requests.Text(await client.ExchangeAsync(Requests.Binary(RandomBytes(5000)))));
        (FrameHeader header, Exception? request) = await seen.Task;
        Assert.Equal(5000, header.ContentLength);
        Assert.IsType<InvalidOperationException>(request);
    }

    [Fact]
    public async Task Without_a_threshold_every_request_is_buffered_as_before()
    {
        byte[] content = RandomBytes(2 * 1024 * 1024);
        await using InMemoryServer server = await InMemoryServer.StartAsync(HashHandler);
        await using InMemoryServer.Client client = await server.ConnectAsync();

        Assert.Equal(Expected(streamed: false, content), Requests.Text(await client.ExchangeAsync(Requests.Binary(content))));
    }

    [Fact]
    public async Task Content_left_unread_up_to_the_drain_limit_is_discarded_and_the_connection_goes_on()
    {
        await using InMemoryServer server = await StartAsync(Reject);
        await using InMemoryServer.Client client = await server.ConnectAsync();

        Frame answer = await client.ExchangeAsync(Requests.Binary(RandomBytes(512 * 1024)));

        Assert.Equal(FrameErrors.BadRequest, Requests.Error(answer));
        Assert.False(answer.Header.ExtraMembers!.ContainsKey(ConnectionMember.Name));
        Assert.Equal(FrameErrors.BadRequest, Requests.Error(await client.ExchangeAsync(Requests.Binary("small"))));
    }

    [Fact]
    public async Task Content_left_unread_over_the_drain_limit_closes_the_connection_and_the_answer_says_so()
    {
        await using InMemoryServer server = await StartAsync(Reject);
        await using InMemoryServer.Client client = await server.ConnectAsync();

        // Only the header and a little content: the answer comes without the client sending the rest.
        await client.SendAsync(HeaderOf(8 * 1024 * 1024).Concat(RandomBytes(100)).ToArray());
        Frame answer = (await client.ReadAsync())!.Value;

        Assert.Equal(FrameErrors.BadRequest, Requests.Error(answer));
        Assert.Equal("close", answer.Header.ExtraMembers![ConnectionMember.Name].GetString());
        await client.AssertClosedByServerAsync();
    }

    [Fact]
    public async Task Content_over_the_streamed_limit_gets_an_error_reply_before_any_is_read_and_the_handler_never_runs()
    {
        int calls = 0;
        await using InMemoryServer server = await StartAsync(
            (exchange, ct) => { Interlocked.Increment(ref calls); return HashHandler(exchange, ct); },
            configure: b => b.Options.MaxStreamedContentLength = 1024 * 1024);
        await using InMemoryServer.Client client = await server.ConnectAsync();

        await client.SendAsync(HeaderOf(1024 * 1024 + 1));
        Frame answer = (await client.ReadAsync())!.Value;

        Assert.Equal(FrameErrors.BadRequest, Requests.Error(answer));
        Assert.True(FrameErrors.TryGetError(answer.Header, out _, out string? message));
        Assert.Contains("streamed-content limit of 1048576", message, StringComparison.Ordinal);
        Assert.Equal("close", answer.Header.ExtraMembers![ConnectionMember.Name].GetString());
        await client.AssertClosedByServerAsync();
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task Buffered_content_keeps_its_own_limit_when_streaming_is_on()
    {
        await using InMemoryServer server = await StartAsync(HashHandler, threshold: 64 * 1024 * 1024);
        await using InMemoryServer.Client client = await server.ConnectAsync();

        await client.SendAsync(HeaderOf(FrameLimits.DefaultMaxContentLength + 1));

        await client.AssertClosedByServerAsync();
    }

    [Fact]
    public void Streaming_options_are_checked_in_their_setters_and_name_the_setting()
    {
        var options = new FrameServerOptions();
        Assert.Null(options.RequestStreamingThreshold);
        Assert.Equal(64L * 1024 * 1024 * 1024, options.MaxStreamedContentLength);
        Assert.Equal(new DataRate(240, TimeSpan.FromSeconds(5)), options.MinRequestDataRate);

        Assert.Equal(nameof(FrameServerOptions.RequestStreamingThreshold), Assert.Throws<ArgumentOutOfRangeException>(() => options.RequestStreamingThreshold = -1).ParamName);
        Assert.Equal(nameof(FrameServerOptions.MaxStreamedContentLength), Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxStreamedContentLength = -1).ParamName);
        Assert.Equal(nameof(FrameServerOptions.MaxStreamedContentLength), Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxStreamedContentLength = long.MaxValue).ParamName);
        options.RequestStreamingThreshold = 0;
        options.MinRequestDataRate = null;
        Assert.Equal(0, options.RequestStreamingThreshold);
    }

    private static ValueTask Reject(FrameExchange exchange, CancellationToken cancellationToken)
    {
        exchange.RespondError(FrameErrors.BadRequest, "Not wanted.");
        return ValueTask.CompletedTask;
    }
}
