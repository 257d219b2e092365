using System.Buffers;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Samples;

namespace AppProtocol.Tests.Client;

/// <summary>One call marked idempotent is sent again after its connection fails, though the client's other calls are not.</summary>
public sealed class FrameClientCallOptionsTests
{
    private static readonly Frame Request = Frame.Binary(SampleContentTypes.ClientBinary, "read"u8.ToArray());

    [Fact]
    public async Task A_call_marked_idempotent_goes_out_again_after_the_server_may_have_processed_it()
    {
        await using var server = FakeServer.DropsFirstAnswer();
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port });

        Frame answer = await client.SendAsync(Request, FrameCallOptions.IdempotentCall).AsTask().WaitAsync(ChildProcess.Timeout);

        Assert.Equal(FakePeer.Echo(Request).Content.ToArray(), answer.Content.ToArray());
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task A_leased_call_marked_idempotent_goes_out_again_too()
    {
        await using var server = FakeServer.DropsFirstAnswer();
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port });

        using FrameLease answer = await client.SendLeasedAsync(Request, new FrameCallOptions { Idempotent = true }).AsTask().WaitAsync(ChildProcess.Timeout);

        Assert.Equal(FakePeer.Echo(Request).Content.ToArray(), answer.Frame.Content.ToArray());
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task A_call_not_marked_fails_saying_the_server_may_have_processed_it()
    {
        await using var server = FakeServer.Tcp(async peer =>
        {
            await peer.ReadFrameAsync();
            peer.Close();
        });
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port });

        FrameClientException error = await Assert.ThrowsAsync<FrameClientException>(async () => await client.SendAsync(Request, new FrameCallOptions()).AsTask().WaitAsync(ChildProcess.Timeout));

        Assert.False(error.RequestNotProcessed);
        Assert.Equal(1, server.Accepted);
    }
}
