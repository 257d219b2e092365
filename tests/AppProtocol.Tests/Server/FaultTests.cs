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
