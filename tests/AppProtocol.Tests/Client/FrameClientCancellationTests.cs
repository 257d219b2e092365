using System.Buffers;
using System.Text;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Samples;

namespace AppProtocol.Tests.Client;

/// <summary>A cancelled call retires its connection: no later call waits behind the answer nobody wants, and requests sent before it still get theirs.</summary>
public sealed class FrameClientCancellationTests
{
    [Fact]
    public async Task A_cancelled_call_does_not_hold_up_the_next_one()
    {
        int connections = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = FakeServer.Tcp(async peer =>
        {
            if (Interlocked.Increment(ref connections) > 1)
            {
                await peer.EchoFramesAsync();
                return;
            }

            // The cancelled request's answer is held back until the next call has been answered.
            Frame first = (await peer.ReadFrameAsync())!.Value;
            firstArrived.SetResult();
            await release.Task.WaitAsync(ChildProcess.Timeout);
            await peer.WriteAsync(FakePeer.Echo(first));
            await peer.ReadFrameAsync();
        });
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port });
        using var cancel = new CancellationTokenSource();

        Task<Frame> cancelled = client.SendAsync(Frame.Binary(SampleContentTypes.ClientBinary, "dropped"u8.ToArray()), cancel.Token).AsTask();
        await firstArrived.Task.WaitAsync(ChildProcess.Timeout);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(ChildProcess.Timeout));

        Assert.Equal("echo:next", await SendAsync(client, "next"));
        release.SetResult();
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task Requests_sent_before_a_cancelled_one_still_get_their_answers_and_later_ones_go_elsewhere()
    {
        int connections = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bothArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var closedByClient = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = FakeServer.Tcp(async peer =>
        {
            if (Interlocked.Increment(ref connections) > 1)
            {
                await peer.EchoFramesAsync();
                return;
            }

            await peer.EchoFramesAsync(KeepAlive.Exchanges);
            Frame kept = (await peer.ReadFrameAsync())!.Value;
            Frame dropped = (await peer.ReadFrameAsync())!.Value;
            bothArrived.SetResult();
            await release.Task.WaitAsync(ChildProcess.Timeout);
            await peer.WriteAsync(FakePeer.Echo(kept));
            await peer.WriteAsync(FakePeer.Echo(dropped));

            // The retired connection closes once nobody waits on it.
            Assert.Null(await peer.ReadFrameAsync());
            closedByClient.SetResult();
        });
        await using var client = new FrameClient(new FrameClientOptions { MaxConnectionsPerServer = 1, Host = "127.0.0.1", Port = server.Port });
        await KeepAlive.WarmUpAsync(client);
        using var cancel = new CancellationTokenSource();

        Task<string> kept = SendAsync(client, "kept");
        Task<Frame> cancelled = client.SendAsync(Frame.Binary(SampleContentTypes.ClientBinary, "dropped"u8.ToArray()), cancel.Token).AsTask();
        await bothArrived.Task.WaitAsync(ChildProcess.Timeout);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(ChildProcess.Timeout));

        Assert.Equal("echo:later", await SendAsync(client, "later"));
        Assert.False(kept.IsCompleted);
        release.SetResult();
        Assert.Equal("echo:kept", await kept);
        await closedByClient.Task.WaitAsync(ChildProcess.Timeout);
        Assert.Equal(2, server.Accepted);
    }

    private static async Task<string> SendAsync(FrameClient client, string text)
    {
        Frame answer = await client.SendAsync(Frame.Binary(SampleContentTypes.ClientBinary, Encoding.UTF8.GetBytes(text))).AsTask().WaitAsync(ChildProcess.Timeout);
        return Encoding.UTF8.GetString(answer.Content.ToArray());
    }
}
