using AppProtocol.Framing;
using AppProtocol.Tests.Support;

namespace AppProtocol.Tests.Server;

/// <summary>Bad frames, limits and clients that go away, on the in-memory transport: each ends its own connection only.</summary>
public class FaultTests
{
    [Fact]
    public async Task Bad_frame_closes_only_its_connection()
    {
        await using InMemoryServer server = await InMemoryServer.StartAsync(SearchHandler.Handler);
        await using InMemoryServer.Client good = await server.ConnectAsync();
        await using InMemoryServer.Client bad = await server.ConnectAsync();
        Assert.Equal("No match for 'a'.", Requests.Result(await good.ExchangeAsync(Requests.Search("a"))));

        await bad.SendAsync(Requests.BadHeader());

        await bad.AssertClosedByServerAsync();
        Assert.Equal("No match for 'b'.", Requests.Result(await good.ExchangeAsync(Requests.Search("b"))));
    }

    [Fact]
    public async Task Requests_before_a_bad_frame_are_answered_then_the_connection_closes()
    {
        await using InMemoryServer server = await InMemoryServer.StartAsync(SearchHandler.Handler);
        await using InMemoryServer.Client client = await server.ConnectAsync();

        await client.SendAsync((byte[])[.. Requests.Search("ring"), .. Requests.BadHeader(), .. Requests.Search("morpheus")]);

        Assert.Equal("In the caves beneath the Misty Mountains. \U0001F48D", Requests.Result((await client.ReadAsync())!.Value));
        await client.AssertClosedByServerAsync();
    }

    [Fact]
    public async Task Content_over_the_limit_closes_the_connection_before_the_content_arrives()
    {
        await using InMemoryServer server = await InMemoryServer.StartAsync(SearchHandler.Handler, b => b.Options.Limits = new FrameLimits { MaxContentLength = 100 });
        await using InMemoryServer.Client client = await server.ConnectAsync();
        byte[] request = Requests.Binary(new byte[101]);

        // Only the header is sent: the server must refuse on the announced length, not wait for 101 bytes.
        await client.SendAsync(request.AsMemory(0, request.Length - 101));

        await client.AssertClosedByServerAsync();
    }

    [Fact]
    public async Task Connection_over_the_limit_is_closed_at_once_while_others_are_served()
    {
        await using InMemoryServer server = await InMemoryServer.StartAsync(SearchHandler.Handler, b => b.Options.MaxConcurrentConnections = 1);
        await using InMemoryServer.Client first = await server.ConnectAsync();
        Assert.Equal("No match for 'a'.", Requests.Result(await first.ExchangeAsync(Requests.Search("a"))));

        await using InMemoryServer.Client second = await server.ConnectAsync();

        await second.AssertClosedByServerAsync();
        Assert.Equal("No match for 'b'.", Requests.Result(await first.ExchangeAsync(Requests.Search("b"))));
    }

    [Fact]
    public async Task Server_survives_clients_that_abort_at_once()
    {
        await using InMemoryServer server = await InMemoryServer.StartAsync(SearchHandler.Handler);

        for (int i = 0; i < 20; i++)
        {
            (await server.ConnectAsync()).Abort();
        }

        await using InMemoryServer.Client client = await server.ConnectAsync();
        Assert.Equal("No match for 'a'.", Requests.Result(await client.ExchangeAsync(Requests.Search("a"))));
    }

    [Fact]
    public async Task Stream_ending_inside_a_frame_closes_the_connection()
    {
        await using InMemoryServer server = await InMemoryServer.StartAsync(SearchHandler.Handler);
        await using InMemoryServer.Client client = await server.ConnectAsync();
        byte[] request = Requests.Search("x");

        await client.SendAsync(request.AsMemory(0, 10));
        await client.ShutdownSendAsync();

        await client.AssertClosedByServerAsync();
        await server.FirstClosed.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
