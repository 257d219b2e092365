using AppProtocol.Framing;

namespace AppProtocol.Tests.Server;

public class FaultTests
{
    [Fact]
    public async Task Bad_frame_closes_only_its_connection()
    {
        await using TestServer server = await TestServer.StartAsync();
        await using RawClient good = await server.ConnectAsync();
        await using RawClient bad = await server.ConnectAsync();
        Assert.Equal("No match for 'a'.", Requests.Result(await good.ExchangeAsync(Requests.Search("a"))));

        await bad.SendAsync(Requests.BadHeader());

        await bad.AssertClosedByServerAsync();
        Assert.Equal("No match for 'b'.", Requests.Result(await good.ExchangeAsync(Requests.Search("b"))));
    }

    [Fact]
    public async Task Requests_before_a_bad_frame_are_answered_then_the_connection_closes()
    {
        await using TestServer server = await TestServer.StartAsync();
        await using RawClient client = await server.ConnectAsync();

        await client.SendAsync((byte[])[.. Requests.Search("ring"), .. Requests.BadHeader(), .. Requests.Search("morpheus")]);

        Assert.Equal("In the caves beneath the Misty Mountains. \U0001F48D", Requests.Result((await client.ReadFrameAsync())!.Value));
        await client.AssertClosedByServerAsync();
    }

    [Fact]
    public async Task Content_over_the_limit_closes_the_connection_before_the_content_arrives()
    {
        await using TestServer server = await TestServer.StartAsync(o => o.Limits = new FrameLimits { MaxContentLength = 100 });
        await using RawClient client = await server.ConnectAsync();
        byte[] request = Requests.Binary(new byte[101]);

        // Only the header is sent: the server must refuse on the announced length, not wait for 101 bytes.
        await client.SendAsync(request.AsMemory(0, request.Length - 101));

        await client.AssertClosedByServerAsync();
    }

    [Fact]
    public async Task Handler_exception_is_answered_with_a_server_error_and_the_connection_goes_on()
    {
        await using TestServer server = await TestServer.StartAsync(handler: (exchange, ct) =>
        {
            if (Requests.Text(exchange.Request) == "boom")
            {
                throw new InvalidOperationException("boom");
            }

            return new AppServer.AppRequestHandler().HandleAsync(exchange, ct);
        });
        await using RawClient good = await server.ConnectAsync();
        await using RawClient bad = await server.ConnectAsync();

        Frame reply = await bad.ExchangeAsync(Requests.Binary("boom"));

        Assert.Equal(FrameErrors.ServerError, Requests.Error(reply));
        Assert.True(FrameErrors.TryGetError(reply.Header, out _, out string? message));
        Assert.DoesNotContain("boom", message, StringComparison.Ordinal); // the exception's details stay in the log
        Assert.Equal("First 10 bytes of request: fine", Requests.Text(await bad.ExchangeAsync(Requests.Binary("fine"))));
        Assert.Equal("First 10 bytes of request: fine", Requests.Text(await good.ExchangeAsync(Requests.Binary("fine"))));
    }

    [Fact]
    public async Task Handler_that_writes_no_response_gets_a_server_error_reply_sent_for_it()
    {
        await using TestServer server = await TestServer.StartAsync(handler: (_, _) => ValueTask.CompletedTask);
        await using RawClient client = await server.ConnectAsync();

        Assert.Equal(FrameErrors.ServerError, Requests.Error(await client.ExchangeAsync(Requests.Binary("x"))));
        Assert.Equal(FrameErrors.ServerError, Requests.Error(await client.ExchangeAsync(Requests.Binary("y"))));
    }

    [Fact]
    public async Task Handler_that_responds_twice_fails_at_the_second_response_and_the_first_stands()
    {
        var second = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync(handler: (exchange, _) =>
        {
            exchange.Respond(FrameHeader.Binary("binary/test", 5), "first"u8);
            second.TrySetResult(Record.Exception(() => exchange.Respond(FrameHeader.Binary("binary/test", 6), "second"u8)));
            return ValueTask.CompletedTask;
        });
        await using RawClient client = await server.ConnectAsync();

        Assert.Equal("first", Requests.Text(await client.ExchangeAsync(Requests.Binary("x"))));
        Assert.IsType<InvalidOperationException>(await second.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("first", Requests.Text(await client.ExchangeAsync(Requests.Binary("y"))));
    }

    [Fact]
    public async Task Invalid_request_content_is_answered_with_a_bad_request_naming_the_problem()
    {
        await using TestServer server = await TestServer.StartAsync();
        await using RawClient client = await server.ConnectAsync();
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        FrameWriter.Write(output, FrameHeader.Json(5), "{nope"u8);
        byte[] invalid = output.WrittenSpan.ToArray();

        Frame reply = await client.ExchangeAsync(invalid);

        Assert.Equal(FrameErrors.BadRequest, Requests.Error(reply));
        Assert.True(FrameErrors.TryGetError(reply.Header, out _, out string? message));
        Assert.Contains("not valid JSON", message, StringComparison.Ordinal);
        Assert.Equal("No match for 'a'.", Requests.Result(await client.ExchangeAsync(Requests.Search("a"))));
    }

    [Fact]
    public async Task Connection_over_the_limit_is_closed_at_once_while_others_are_served()
    {
        await using TestServer server = await TestServer.StartAsync(o => o.MaxConcurrentConnections = 1);
        await using RawClient first = await server.ConnectAsync();
        Assert.Equal("No match for 'a'.", Requests.Result(await first.ExchangeAsync(Requests.Search("a"))));

        await using RawClient second = await server.ConnectAsync();

        await second.AssertClosedByServerAsync();
        Assert.Equal("No match for 'b'.", Requests.Result(await first.ExchangeAsync(Requests.Search("b"))));
    }

    [Fact]
    public async Task Accept_loop_survives_clients_that_reset_at_once()
    {
        await using TestServer server = await TestServer.StartAsync();

        for (int i = 0; i < 20; i++)
        {
            (await server.ConnectAsync()).Reset();
        }

        await using RawClient client = await server.ConnectAsync();
        Assert.Equal("No match for 'a'.", Requests.Result(await client.ExchangeAsync(Requests.Search("a"))));
    }

    [Fact]
    public async Task Stream_ending_inside_a_frame_closes_the_connection()
    {
        await using TestServer server = await TestServer.StartAsync();
        await using RawClient client = await server.ConnectAsync();
        byte[] request = Requests.Search("x");

        await client.SendAsync(request.AsMemory(0, 10));
        client.ShutdownSend();

        await client.AssertClosedByServerAsync();
        await server.FirstClosed.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
