using AppProtocol.Framing;
using AppProtocol.Tests.Support;

namespace AppProtocol.Tests.Server;

/// <summary>The handler contract on the in-memory transport: one response, and what happens to a handler that breaks it.</summary>
public class HandlerContractTests
{
    [Fact]
    public async Task Handler_exception_is_answered_with_a_server_error_and_the_connection_goes_on()
    {
        await using InMemoryServer server = await InMemoryServer.StartAsync((exchange, ct) =>
        {
            if (Requests.Text(exchange.Request) == "boom")
            {
                throw new InvalidOperationException("boom");
            }

            return SearchHandler.HandleAsync(exchange, ct);
        });
        await using InMemoryServer.Client good = await server.ConnectAsync();
        await using InMemoryServer.Client bad = await server.ConnectAsync();

        Frame reply = await bad.ExchangeAsync(Requests.Binary("boom"));

        Assert.Equal(FrameErrors.ServerError, Requests.Error(reply));
        Assert.True(FrameErrors.TryGetError(reply.Header, out _, out string? message));
        Assert.DoesNotContain("boom", message, StringComparison.Ordinal); // the exception's details stay in the log
        Assert.Equal("fine", Requests.Text(await bad.ExchangeAsync(Requests.Binary("fine"))));
        Assert.Equal("fine", Requests.Text(await good.ExchangeAsync(Requests.Binary("fine"))));
    }

    [Fact]
    public async Task Handler_that_writes_no_response_gets_a_server_error_reply_sent_for_it()
    {
        await using InMemoryServer server = await InMemoryServer.StartAsync((_, _) => ValueTask.CompletedTask);
        await using InMemoryServer.Client client = await server.ConnectAsync();

        Assert.Equal(FrameErrors.ServerError, Requests.Error(await client.ExchangeAsync(Requests.Binary("x"))));
        Assert.Equal(FrameErrors.ServerError, Requests.Error(await client.ExchangeAsync(Requests.Binary("y"))));
    }

    [Fact]
    public async Task Handler_that_responds_twice_fails_at_the_second_response_and_the_first_stands()
    {
        var second = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using InMemoryServer server = await InMemoryServer.StartAsync((exchange, _) =>
        {
            exchange.Respond(FrameHeader.Binary("binary/test", 5), "first"u8);
            second.TrySetResult(Record.Exception(() => exchange.Respond(FrameHeader.Binary("binary/test", 6), "second"u8)));
            return ValueTask.CompletedTask;
        });
        await using InMemoryServer.Client client = await server.ConnectAsync();

        Assert.Equal("first", Requests.Text(await client.ExchangeAsync(Requests.Binary("x"))));
        Assert.IsType<InvalidOperationException>(await second.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("first", Requests.Text(await client.ExchangeAsync(Requests.Binary("y"))));
    }

    [Fact]
    public async Task Invalid_request_content_is_answered_with_a_bad_request_naming_the_problem()
    {
        await using InMemoryServer server = await InMemoryServer.StartAsync(SearchHandler.Handler);
        await using InMemoryServer.Client client = await server.ConnectAsync();
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        FrameWriter.Write(output, FrameHeader.Json(5), "{nope"u8);
        byte[] invalid = output.WrittenSpan.ToArray();

        Frame reply = await client.ExchangeAsync(invalid);

        Assert.Equal(FrameErrors.BadRequest, Requests.Error(reply));
        Assert.True(FrameErrors.TryGetError(reply.Header, out _, out string? message));
        Assert.Contains("not valid JSON", message, StringComparison.Ordinal);
        Assert.Equal("No match for 'a'.", Requests.Result(await client.ExchangeAsync(Requests.Search("a"))));
    }
}
