using System.Buffers;
using System.Text;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Samples;

namespace AppProtocol.Tests.Client;

/// <summary>A lease holds its response until disposed, however many calls follow; disposing is once, whatever the copies.</summary>
public sealed class FrameClientLeaseTests
{
    [Fact]
    public async Task A_lease_keeps_its_response_while_later_calls_are_answered()
    {
        await using var server = FakeServer.Tcp(peer => peer.EchoFramesAsync());
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port });

        using FrameLease first = await client.SendLeasedAsync(Frame.Binary(SampleContentTypes.ClientBinary, "first"u8.ToArray()));
        for (int i = 0; i < 20; i++)
        {
            using FrameLease later = await client.SendLeasedAsync(Frame.Binary(SampleContentTypes.ClientBinary, Encoding.UTF8.GetBytes($"later {i}")));
            Assert.Equal($"echo:later {i}", Encoding.UTF8.GetString(later.Frame.Content.ToArray()));
        }

        Assert.Equal("echo:first", Encoding.UTF8.GetString(first.Frame.Content.ToArray()));
    }

    [Fact]
    public async Task A_disposed_lease_refuses_its_frame_and_a_second_dispose_of_a_copy_is_harmless()
    {
        await using var server = FakeServer.Tcp(peer => peer.EchoFramesAsync());
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port });

        FrameLease lease = await client.SendLeasedAsync(Frame.Binary(SampleContentTypes.ClientBinary, "a"u8.ToArray()));
        FrameLease copy = lease;
        lease.Dispose();
        copy.Dispose();

        Assert.Throws<ObjectDisposedException>(() => lease.Frame);

        // The pooled state went back once: the next calls each get their own answer.
        using FrameLease next = await client.SendLeasedAsync(Frame.Binary(SampleContentTypes.ClientBinary, "b"u8.ToArray()));
        using FrameLease other = await client.SendLeasedAsync(Frame.Binary(SampleContentTypes.ClientBinary, "c"u8.ToArray()));
        Assert.Equal("echo:b", Encoding.UTF8.GetString(next.Frame.Content.ToArray()));
        Assert.Equal("echo:c", Encoding.UTF8.GetString(other.Frame.Content.ToArray()));
        Assert.Throws<ObjectDisposedException>(() => copy.Frame);
        Assert.Throws<ObjectDisposedException>(() => default(FrameLease).Frame);
    }

    [Fact]
    public async Task An_error_reply_to_a_leased_call_owns_its_content()
    {
        await using var server = FakeServer.Tcp(async peer =>
        {
            var reply = new ArrayBufferWriter<byte>();
            FrameErrors.Write(reply, FrameErrors.BadRequest, "no such thing");
            while (await peer.ReadFrameAsync() is not null)
            {
                await peer.WriteRawAsync(reply.WrittenSpan.ToArray());
            }
        });
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port });

        FrameErrorReplyException error = await Assert.ThrowsAsync<FrameErrorReplyException>(async () => await client.SendLeasedAsync(Frame.Binary(SampleContentTypes.ClientBinary, "x"u8.ToArray())));
        byte[] content = error.Reply.Content.ToArray();

        // The pooled buffers are reused by later calls: the reply must not be one of them.
        for (int i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<FrameErrorReplyException>(async () => await client.SendLeasedAsync(Frame.Binary(SampleContentTypes.ClientBinary, "y"u8.ToArray())));
        }

        Assert.Equal(content, error.Reply.Content.ToArray());
        Assert.Equal(FrameErrors.BadRequest, error.Code);
        Assert.Equal("no such thing", error.ErrorMessage);
        Assert.Equal(error.Reply.Header.ContentLength, error.Reply.Content.Length);
    }
}
