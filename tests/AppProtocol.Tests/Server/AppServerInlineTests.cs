namespace AppProtocol.Tests.Server;

/// <summary><c>app-server --inline</c>: the socket engine runs the server's continuations; answers stay the same.</summary>
public sealed class AppServerInlineTests
{
    [Fact]
    public async Task With_inline_completions_the_server_answers_single_and_pipelined_requests()
    {
        await using SampleServerProcess server = await SampleServerProcess.StartAsync("app-server", "127.0.0.1", "0", "--quiet", "--inline");
        await using RawClient client = await RawClient.ConnectAsync(server.EndPoint);

        Assert.Equal("Follow the white rabbit. \U0001F430", Requests.Result(await client.ExchangeAsync(Requests.Search("morpheus"))));

        byte[] request = Requests.Search("ring");
        await client.SendAsync(Enumerable.Repeat(request, 100).SelectMany(r => r).ToArray());
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal("In the caves beneath the Misty Mountains. \U0001F48D", Requests.Result((await client.ReadFrameAsync())!.Value));
        }
    }
}
