using System.Buffers;
using System.Text;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Samples;
using AppProtocol.Tests.Server;
using AppProtocol.Tests.Support;

namespace AppProtocol.Tests.Client;

/// <summary>Errors that name their cause and the server: the server's error replies, a request over its limit, a server shutting down.</summary>
public sealed class FrameClientErrorTests
{
    [Theory]
    [InlineData(FrameErrors.BadRequest, "rejected the request (bad-request): no such thing. Sending it again unchanged fails again.", false)]
    [InlineData(FrameErrors.ServerError, "failed while handling the request (server-error): no such thing. " + ClientFailures.MayHaveProcessed, false)]
    [InlineData(FrameErrors.Unavailable, "is not taking requests now, for example because it is shutting down (unavailable): no such thing. " + ClientFailures.NotProcessed, true)]
    public async Task Error_reply_names_the_server_and_its_cause_and_keeps_the_connection(string code, string said, bool notProcessed)
    {
        await using var server = FakeServer.Tcp(async peer =>
        {
            await peer.ReadFrameAsync();
            var reply = new ArrayBufferWriter<byte>();
            FrameErrors.Write(reply, code, "no such thing");
            await peer.WriteRawAsync(reply.WrittenSpan.ToArray());
            await peer.EchoFramesAsync();
        });
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port });

        FrameErrorReplyException error = await Assert.ThrowsAsync<FrameErrorReplyException>(async () => await Send(client, "x"));

        Assert.Equal($"The server 127.0.0.1:{server.Port} {said}", error.Message);
        Assert.Equal((code, "no such thing", notProcessed), (error.Code, error.ErrorMessage, error.RequestNotProcessed));
        Assert.Equal("echo:y", Encoding.UTF8.GetString((await Send(client, "y")).Content.ToArray()));
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task Request_over_the_server_limit_is_named_as_the_likely_cause()
    {
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler);
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = ((System.Net.IPEndPoint)server.EndPoint).Port });

        FrameClientException error = await Assert.ThrowsAsync<FrameClientException>(async () =>
            await client.SendAsync(Frame.Binary(SampleContentTypes.ClientBinary, new byte[FrameLimits.DefaultMaxContentLength + 4 * 1024 * 1024])).AsTask().WaitAsync(ChildProcess.Timeout));

        // The server refuses the header and closes: the rest of the request never went out.
        Assert.True(error.RequestNotProcessed);
        Assert.Contains("Its content of 20,971,520 bytes is over the server limit that AppProtocol servers apply by default (16,777,216 bytes, FrameLimits.MaxContentLength)", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(ClientFailures.NotProcessed, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_behind_the_last_answer_of_a_server_that_stops_names_the_shutdown()
    {
        FaultProxy? proxy = null;
        var bothArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = FakeServer.Tcp(async peer =>
        {
            // A server that begins to shut down: it stops listening, answers the request in hand as its last, and
            // closes without reading the one behind it.
            await peer.EchoFramesAsync(KeepAlive.Exchanges);
            Frame first = (await peer.ReadFrameAsync())!.Value;
            await peer.ReadFrameAsync();
            bothArrived.SetResult();
            proxy!.StopAccepting();
            await peer.WriteAsync(FakePeer.EchoLast(first));
            peer.Close();
        });
        proxy = FaultProxy.Start(server.Port);
        await using (proxy)
        {
            await using var client = new FrameClient(new FrameClientOptions { MaxConnectionsPerServer = 1, Host = "127.0.0.1", Port = proxy.Port });
            await KeepAlive.WarmUpAsync(client);

            Task<Frame> answered = Send(client, "first");
            Task<Frame> refused = Send(client, "second");
            await bothArrived.Task.WaitAsync(ChildProcess.Timeout);

            Assert.Equal("echo:first", Encoding.UTF8.GetString((await answered).Content.ToArray()));
            FrameClientException error = await Assert.ThrowsAsync<FrameClientException>(() => refused);
            Assert.True(error.RequestNotProcessed);
            Assert.StartsWith($"Could not connect to 127.0.0.1 port {proxy.Port}", error.Message, StringComparison.Ordinal);
            Assert.EndsWith($"It was being sent again because {ClientFailures.AfterLastAnswer}.", error.Message, StringComparison.Ordinal);
        }
    }

    private static Task<Frame> Send(FrameClient client, string text) =>
        client.SendAsync(Frame.Binary(SampleContentTypes.ClientBinary, Encoding.UTF8.GetBytes(text))).AsTask().WaitAsync(ChildProcess.Timeout);
}
