using System.Buffers;
using System.Text;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Samples;

namespace AppProtocol.Tests.Client;

/// <summary>Concurrent callers share one connection: once the server has kept it open, requests are pipelined and each caller gets its own response.</summary>
public sealed class FrameClientPipeliningTests
{
    [Fact]
    public async Task Concurrent_callers_each_get_their_own_response_on_one_connection()
    {
        const int Callers = 50;
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = FakeServer.Tcp(async peer =>
        {
            // Read every request before answering any, so they are truly in flight together.
            await peer.EchoFramesAsync(KeepAlive.Exchanges);
            var requests = new List<Frame>();
            while (requests.Count < Callers && await peer.ReadFrameAsync() is { } request)
            {
                requests.Add(request);
            }

            allArrived.SetResult();
            foreach (Frame request in requests)
            {
                await peer.WriteAsync(FakePeer.Echo(request));
            }

            await peer.EchoFramesAsync();
        });
        await using var client = new FrameClient(new FrameClientOptions { MaxConnectionsPerServer = 1, Host = "127.0.0.1", Port = server.Port });
        await KeepAlive.WarmUpAsync(client);

        Task<Frame>[] calls = [.. Enumerable.Range(0, Callers).Select(i => client.SendAsync(Frame.Binary(SampleContentTypes.ClientBinary, Encoding.UTF8.GetBytes($"request {i}"))).AsTask())];
        await allArrived.Task.WaitAsync(ChildProcess.Timeout);
        Frame[] responses = await Task.WhenAll(calls).WaitAsync(ChildProcess.Timeout);

        for (int i = 0; i < Callers; i++)
        {
            Assert.Equal($"echo:request {i}", Encoding.UTF8.GetString(responses[i].Content.ToArray()));
        }

        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task Kept_alive_connection_is_reused_for_sequential_requests()
    {
        await using var server = FakeServer.Tcp(peer => peer.EchoFramesAsync());
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port });

        for (int i = 0; i < 5; i++)
        {
            Frame response = await client.SendAsync(FrameHeader.Binary(SampleContentTypes.ClientBinary, 1), new[] { (byte)('a' + i) });
            Assert.Equal($"echo:{(char)('a' + i)}", Encoding.UTF8.GetString(response.Content.ToArray()));
        }

        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task Response_stays_valid_after_later_responses_and_after_dispose()
    {
        await using var server = FakeServer.Tcp(peer => peer.EchoFramesAsync());
        var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port });
        Frame first = await client.SendAsync(Frame.Binary(SampleContentTypes.ClientBinary, "first"u8.ToArray()));
        await client.SendAsync(Frame.Binary(SampleContentTypes.ClientBinary, "second"u8.ToArray()));
        await client.DisposeAsync();

        Assert.Equal("echo:first", Encoding.UTF8.GetString(first.Content.ToArray()));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await client.SendAsync(Frame.Binary(SampleContentTypes.ClientBinary, "x"u8.ToArray())));
    }
}
