using System.Buffers;
using AppProtocol.Framing;
using AppProtocol.Tests.Support;

namespace AppProtocol.Tests.Server;

/// <summary>Keep-alive, pipelining and closing after a response, on the in-memory transport.</summary>
public class KeepAliveTests
{
    [Fact]
    public async Task Serves_many_exchanges_on_one_connection()
    {
        await using InMemoryServer server = await InMemoryServer.StartAsync(SearchHandler.Handler);
        await using InMemoryServer.Client client = await server.ConnectAsync();

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal($"No match for 'v{i}'.", Requests.Result(await client.ExchangeAsync(Requests.Search($"v{i}"))));
        }
    }

    [Fact]
    public async Task Answers_pipelined_requests_in_one_write_in_order()
    {
        await using InMemoryServer server = await InMemoryServer.StartAsync(SearchHandler.Handler);
        await using InMemoryServer.Client client = await server.ConnectAsync();

        await client.SendAsync(Enumerable.Range(0, 200).SelectMany(i => Requests.Binary($"{i:D4}")).ToArray());

        for (int i = 0; i < 200; i++)
        {
            Assert.Equal($"{i:D4}", Requests.Text((await client.ReadAsync())!.Value));
        }
    }

    [Fact]
    public async Task Serves_one_request_per_connection_clients_like_the_reference()
    {
        await using InMemoryServer server = await InMemoryServer.StartAsync(SearchHandler.Handler);

        for (int i = 0; i < 5; i++)
        {
            InMemoryServer.Client client = await server.ConnectAsync();
            await using (client)
            {
                Assert.Equal("Follow the white rabbit. \U0001F430", Requests.Result(await client.ExchangeAsync(Requests.Search("morpheus"))));
            }
        }

        await server.FirstClosed.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task CloseAfterResponse_closes_after_first_answer_leaving_pipelined_rest_unanswered()
    {
        await using InMemoryServer server = await InMemoryServer.StartAsync(SearchHandler.Handler, b => b.Options.CloseAfterResponse = true);
        await using InMemoryServer.Client client = await server.ConnectAsync();

        await client.SendAsync((byte[])[.. Requests.Search("ring"), .. Requests.Search("morpheus")]);

        Assert.Equal("In the caves beneath the Misty Mountains. \U0001F48D", Requests.Result((await client.ReadAsync())!.Value));
        await client.AssertClosedByServerAsync();
    }

    [Fact]
    public async Task Handler_can_close_after_its_response()
    {
        await using InMemoryServer server = await InMemoryServer.StartAsync((exchange, _) =>
        {
            exchange.Respond(FrameHeader.Binary("binary/test", 2), "ok"u8);
            exchange.CloseAfterResponse();
            return ValueTask.CompletedTask;
        });
        await using InMemoryServer.Client client = await server.ConnectAsync();

        Assert.Equal("ok", Requests.Text(await client.ExchangeAsync(Requests.Binary("x"))));
        await client.AssertClosedByServerAsync();
    }

    [Fact]
    public async Task Serves_a_request_of_the_maximum_content_length()
    {
        const int Size = 1024 * 1024;
        await using InMemoryServer server = await InMemoryServer.StartAsync(
            (exchange, _) =>
            {
                byte[] length = BitConverter.GetBytes(exchange.Request.Content.Length);
                exchange.Respond(FrameHeader.Binary("binary/test", length.Length), length);
                return ValueTask.CompletedTask;
            },
            b => b.Options.Limits = new FrameLimits { MaxContentLength = Size });
        await using InMemoryServer.Client client = await server.ConnectAsync();

        Frame answer = await client.ExchangeAsync(Requests.Binary(new byte[Size]));

        Assert.Equal(Size, BitConverter.ToInt64(answer.Content.ToArray()));
    }

    [Fact]
    public async Task Serves_hundreds_of_clients_at_once()
    {
        await using InMemoryServer server = await InMemoryServer.StartAsync(SearchHandler.Handler);
        InMemoryServer.Client[] clients = await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => server.ConnectAsync()));
        try
        {
            // Every connection is open at once, then each one does two exchanges concurrently with the others.
            string[][] results = await Task.WhenAll(clients.Select(async (c, i) => new[]
            {
                Requests.Text(await c.ExchangeAsync(Requests.Binary($"a{i}"))),
                Requests.Text(await c.ExchangeAsync(Requests.Binary($"b{i}"))),
            }));

            for (int i = 0; i < clients.Length; i++)
            {
                Assert.Equal([$"a{i}", $"b{i}"], results[i]);
            }

            Assert.Equal(300, server.Server.ActiveConnections);
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }
}

/// <summary>The <c>"connection": "close"</c> member of the last response, on the in-memory transport.</summary>
public class LastResponseTests
{
    [Fact]
    public async Task The_last_response_before_a_close_says_so_and_reference_peers_still_read_it()
    {
        await using InMemoryServer server = await InMemoryServer.StartAsync(SearchHandler.Handler, b => b.Options.CloseAfterResponse = true);
        await using InMemoryServer.Client client = await server.ConnectAsync();

        Frame answer = await client.ExchangeAsync(Requests.Search("morpheus"));

        Assert.True(ConnectionMember.IsClose(answer.Header));
        Assert.Equal("Follow the white rabbit. \U0001F430", Requests.Result(answer));
        await client.AssertClosedByServerAsync();
    }

    [Fact]
    public async Task A_keep_alive_response_does_not_announce_a_close()
    {
        await using InMemoryServer server = await InMemoryServer.StartAsync(SearchHandler.Handler);
        await using InMemoryServer.Client client = await server.ConnectAsync();

        Frame answer = await client.ExchangeAsync(Requests.Search("morpheus"));

        Assert.False(ConnectionMember.IsClose(answer.Header));
        Assert.Null(answer.Header.ExtraMembers);
    }
}
