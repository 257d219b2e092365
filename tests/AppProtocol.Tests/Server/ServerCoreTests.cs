using System.Text;
using AppProtocol.Framing;
using AppProtocol.Server;
using AppProtocol.Tests.Support;
using Microsoft.AspNetCore.Connections;

namespace AppProtocol.Tests.Server;

/// <summary>The server core on the in-memory transport: the handler contract, middleware, connection state.</summary>
public class ServerCoreTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Handler_answers_json_and_binary_requests_over_the_in_memory_transport()
    {
        await using InMemoryServer server = await InMemoryServer.StartAsync(SearchHandler.Handler);
        await using InMemoryServer.Client client = await server.ConnectAsync();

        Assert.Equal("Follow the white rabbit. \U0001F430", Requests.Result(await client.ExchangeAsync(Requests.Search("morpheus"))));
        Frame echoed = await client.ExchangeAsync(Requests.Binary("foobar"));
        Assert.Equal((SearchHandler.EchoContentType, "foobar"), (echoed.Header.ContentType, Requests.Text(echoed)));
    }

    [Fact]
    public async Task Pipelined_requests_over_the_in_memory_transport_are_answered_in_order()
    {
        await using InMemoryServer server = await InMemoryServer.StartAsync(SearchHandler.Handler);
        await using InMemoryServer.Client client = await server.ConnectAsync();

        await client.SendAsync((byte[])[.. Requests.Search("a"), .. Requests.Search("b"), .. Requests.Search("c")]);

        foreach (string value in new[] { "a", "b", "c" })
        {
            Assert.Equal($"No match for '{value}'.", Requests.Result((await client.ReadAsync())!.Value));
        }
    }

    [Fact]
    public async Task Exchange_middleware_runs_around_each_request_in_the_order_added()
    {
        var order = new List<string>();
        await using InMemoryServer server = await InMemoryServer.StartAsync(
            (exchange, _) =>
            {
                order.Add("handler");
                exchange.Respond(FrameHeader.Binary("binary/test", 2), "ok"u8);
                return ValueTask.CompletedTask;
            },
            b => b.UseExchangeMiddleware(next => async (exchange, ct) =>
                {
                    order.Add("outer in");
                    await next(exchange, ct);
                    order.Add("outer out");
                })
                .UseExchangeMiddleware(next => (exchange, ct) =>
                {
                    order.Add("inner");
                    return next(exchange, ct);
                }));
        await using InMemoryServer.Client client = await server.ConnectAsync();

        await client.ExchangeAsync(Requests.Binary("x"));

        Assert.Equal(["outer in", "inner", "handler", "outer out"], order);
    }

    [Fact]
    public async Task Connection_middleware_runs_once_per_connection_and_can_refuse_it()
    {
        int connections = 0;
        await using InMemoryServer server = await InMemoryServer.StartAsync(
            SearchHandler.Handler,
            b => b.UseConnectionMiddleware(next => context =>
            {
                context.Items["number"] = Interlocked.Increment(ref connections);
                return (int)context.Items["number"]! == 2 ? Task.CompletedTask : next(context);
            }));
        await using InMemoryServer.Client first = await server.ConnectAsync();
        await first.ExchangeAsync(Requests.Search("a"));
        await first.ExchangeAsync(Requests.Search("b"));

        await using InMemoryServer.Client second = await server.ConnectAsync();
        await second.SendAsync(Requests.Search("c"));

        Assert.Null(await second.ReadAsync());
        Assert.Equal(2, connections);
    }

    [Fact]
    public async Task Handler_sees_the_connection_and_keeps_state_in_its_items()
    {
        await using InMemoryServer server = await InMemoryServer.StartAsync((exchange, _) =>
        {
            int count = exchange.Connection.Items.TryGetValue("count", out object? seen) ? (int)seen! + 1 : 1;
            exchange.Connection.Items["count"] = count;
            string text = $"{exchange.Connection.Id} {exchange.Connection.RemoteEndPoint} {exchange.Connection.LocalEndPoint} {count} {exchange.Connection.TlsProtocol?.ToString() ?? "plain"}";
            exchange.Respond(FrameHeader.Binary("binary/test", Encoding.UTF8.GetByteCount(text)), Encoding.UTF8.GetBytes(text));
            return ValueTask.CompletedTask;
        });
        await using InMemoryServer.Client client = await server.ConnectAsync();

        Assert.Equal("1 inmemory:client-1 inmemory:server 1 plain", Requests.Text(await client.ExchangeAsync(Requests.Binary("x"))));
        Assert.Equal("1 inmemory:client-1 inmemory:server 2 plain", Requests.Text(await client.ExchangeAsync(Requests.Binary("x"))));
    }

    [Fact]
    public async Task Handler_token_is_cancelled_when_the_client_goes_away()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using InMemoryServer server = await InMemoryServer.StartAsync(async (exchange, ct) =>
        {
            entered.SetResult();
            await using (ct.Register(cancelled.SetResult))
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
        });
        InMemoryServer.Client client = await server.ConnectAsync();
        await client.SendAsync(Requests.Binary("x"));
        await entered.Task.WaitAsync(Patience);

        await client.DisposeAsync();

        await cancelled.Task.WaitAsync(Patience);
    }

    /// <param name="onBlockedContext">Handed over on a SynchronizationContext whose thread is blocked (a UI thread
    /// waiting on a result): the connection must run on the thread pool, posting nothing there.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Server_core_serves_a_connection_handed_to_it_directly(bool onBlockedContext)
    {
        using FrameConnectionHandler core = new FrameServerBuilder().Run(SearchHandler.Handler).BuildConnectionHandler();
        var (client, serverEnd) = AppProtocol.Transport.InMemory.InMemoryConnection.CreatePair(new AppProtocol.Transport.InMemory.InMemoryEndPoint("c"), new AppProtocol.Transport.InMemory.InMemoryEndPoint("s"), "1");
        var blocked = new BlockedSynchronizationContext();
        Task served = onBlockedContext ? blocked.Run(() => core.OnConnectedAsync(serverEnd)) : core.OnConnectedAsync(serverEnd);
        var reader = new AppProtocol.Pipelines.FrameReader(client.Transport.Input);

        await client.Transport.Output.WriteAsync(Requests.Search("ring"));
        Frame answer = (await reader.ReadFrameAsync().AsTask().WaitAsync(Patience))!.Value;
        Assert.Equal("In the caves beneath the Misty Mountains. \U0001F48D", Requests.Result(answer));
        client.Transport.Input.AdvanceTo(answer.Content.End);
        await client.Transport.Output.CompleteAsync();

        await served.WaitAsync(Patience);
        Assert.Equal(0, core.ActiveConnections);
        Assert.Equal(0, blocked.Posted);
    }

    [Fact]
    public void A_server_needs_a_handler_and_a_place_to_listen()
    {
        Assert.Contains("Run", Assert.Throws<InvalidOperationException>(() => new FrameServerBuilder().BuildConnectionHandler()).Message, StringComparison.Ordinal);
        Assert.Contains("Listen", Assert.Throws<InvalidOperationException>(() => new FrameServerBuilder().Run((_, _) => ValueTask.CompletedTask).Build()).Message, StringComparison.Ordinal);
        _ = typeof(ConnectionContext);
    }
}
