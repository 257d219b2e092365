using System.Buffers;
using System.Text;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Samples;

namespace AppProtocol.Tests.Client;

/// <summary>When a server closes after answering, the next request goes on a new connection, but a request the server may have read is never re-sent.</summary>
public sealed class FrameClientReconnectTests
{
    [Fact]
    public async Task Request_reset_unread_by_a_server_that_closed_after_answering_goes_out_again_on_a_new_connection()
    {
        int connections = 0;
        int requestsRead = 0;
        await using var server = FakeServer.Tcp(async peer =>
        {
            Frame request = (await peer.ReadFrameAsync())!.Value;
            Interlocked.Increment(ref requestsRead);
            await peer.WriteAsync(FakePeer.Echo(request));
            if (Interlocked.Increment(ref connections) == 1)
            {
                // The next request arrives while this server is closing: it is reset unread.
                await peer.CloseWithUnreadDataAsync();
            }
        });
        var log = new CapturingLogger();
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port, Logger = log });

        Frame first = await client.SendAsync(Frame.Binary(SampleContentTypes.ClientBinary, "first"u8.ToArray())).AsTask().WaitAsync(ChildProcess.Timeout);
        Frame second = await client.SendAsync(Frame.Binary(SampleContentTypes.ClientBinary, "second"u8.ToArray())).AsTask().WaitAsync(ChildProcess.Timeout);

        Assert.Equal("echo:first", Encoding.UTF8.GetString(first.Content.ToArray()));
        Assert.Equal("echo:second", Encoding.UTF8.GetString(second.Content.ToArray()));
        Assert.Equal(2, server.Accepted);
        Assert.Equal(2, requestsRead);
        // The reset after the first answer also shows that the server closes after each answer.
        Assert.Equal(["Connected", "ReuseLearned", "ConnectionClosed", "RequestResent", "Connected"], log.Events.Take(5));
    }

    [Fact]
    public async Task Request_read_by_the_server_before_it_closed_is_not_resent()
    {
        int requestsRead = 0;
        await using var server = FakeServer.Tcp(async peer =>
        {
            Frame request = (await peer.ReadFrameAsync())!.Value;
            Interlocked.Increment(ref requestsRead);
            await peer.WriteAsync(FakePeer.Echo(request));

            // Read the second request, then close without answering: it may have been processed.
            if (await peer.ReadFrameAsync() is not null)
            {
                Interlocked.Increment(ref requestsRead);
            }

            peer.Close();
        });
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port });

        await client.SendAsync(Frame.Binary(SampleContentTypes.ClientBinary, "first"u8.ToArray())).AsTask().WaitAsync(ChildProcess.Timeout);
        await Assert.ThrowsAsync<FrameClientException>(() => client.SendAsync(Frame.Binary(SampleContentTypes.ClientBinary, "second"u8.ToArray())).AsTask().WaitAsync(ChildProcess.Timeout));

        await server.DisposeAsync();
        Assert.Equal(1, server.Accepted);
        Assert.Equal(2, requestsRead);
    }
}
