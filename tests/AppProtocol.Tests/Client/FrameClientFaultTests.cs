using System.Buffers;
using System.Text;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Samples;
using AppProtocol.Tests.Support;

namespace AppProtocol.Tests.Client;

/// <summary>
/// Faults between client and server (through <see cref="FaultProxy"/>): each failure names the server and its cause,
/// and says whether the server may have processed the request, in the message and in <c>RequestNotProcessed</c>.
/// </summary>
public sealed class FrameClientFaultTests
{
    private static readonly Frame Request = Frame.Binary(SampleContentTypes.ClientBinary, "ping"u8.ToArray());

    [Fact]
    public async Task Connection_lost_mid_response_fails_every_request_on_it_as_a_lost_connection_naming_the_server()
    {
        var bothArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = FakeServer.Tcp(async peer =>
        {
            await peer.EchoFramesAsync(KeepAlive.Exchanges);
            Frame first = (await peer.ReadFrameAsync())!.Value;
            Frame second = (await peer.ReadFrameAsync())!.Value;
            bothArrived.SetResult();
            await peer.WriteAsync(FakePeer.Echo(first));
            await peer.WriteAsync(FakePeer.Echo(second));
            await peer.ReadFrameAsync();
        });
        await using var proxy = FaultProxy.Start(server.Port);
        var log = new LogSignal();
        await using var client = new FrameClient(new FrameClientOptions { MaxConnectionsPerServer = 1, Host = "127.0.0.1", Port = proxy.Port, Logger = log.CreateLogger("client") });
        await KeepAlive.WarmUpAsync(client);

        // The first answer is cut after 10 bytes by a FIN: the second answer never starts.
        (await proxy.LinkAsync(0)).ToClient.CutAfter(10, ProxyFault.HalfClose);
        Task<Frame> first = client.SendAsync(Request).AsTask();
        Task<Frame> second = client.SendAsync(Request).AsTask();

        // Intermittent in full runs (about 1 in 20): the two requests did not reach the first connection's peer. What
        // the client did is in the failure, for the next one to read.
        bool arrived = await bothArrived.Task.WaitAsync(ChildProcess.Timeout).ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default);
        Assert.True(arrived, $"The two requests did not both reach the server's first connection (connections: proxy {proxy.Accepted}, server {server.Accepted}; calls {first.Status}, {second.Status}). Client log: {string.Join(" | ", log.Events.Select(e => $"{e.Name}: {e.Message}"))}");

        FrameClientException cut = await Assert.ThrowsAsync<FrameClientException>(() => first.WaitAsync(ChildProcess.Timeout));
        FrameClientException unanswered = await Assert.ThrowsAsync<FrameClientException>(() => second.WaitAsync(ChildProcess.Timeout));
        Assert.Contains($"127.0.0.1:{proxy.Port} closed the connection in the middle of the response", cut.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{proxy.Port} closed the connection before answering", unanswered.Message, StringComparison.Ordinal);
        Assert.All([cut, unanswered], e =>
        {
            Assert.Equal(ProtocolError.TruncatedFrame, Assert.IsType<ProtocolException>(e.InnerException).Error);
            Assert.False(e.RequestNotProcessed);
            Assert.EndsWith(ClientFailures.MayHaveProcessed, e.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Garbage_answer_is_its_request_protocol_error_and_a_lost_connection_for_the_requests_behind_it()
    {
        var bothArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = FakeServer.Tcp(async peer =>
        {
            await peer.EchoFramesAsync(KeepAlive.Exchanges);
            await peer.ReadFrameAsync();
            await peer.ReadFrameAsync();
            bothArrived.SetResult();
            await peer.WriteRawAsync([0, 0]);
            await peer.ReadFrameAsync();
        });
        await using var client = new FrameClient(new FrameClientOptions { MaxConnectionsPerServer = 1, Host = "127.0.0.1", Port = server.Port });
        await KeepAlive.WarmUpAsync(client);
        Task<Frame> first = client.SendAsync(Request).AsTask();
        Task<Frame> second = client.SendAsync(Request).AsTask();
        await bothArrived.Task.WaitAsync(ChildProcess.Timeout);

        Assert.Equal(ProtocolError.EmptyHeader, (await Assert.ThrowsAsync<ProtocolException>(() => first.WaitAsync(ChildProcess.Timeout))).Error);
        FrameClientException behind = await Assert.ThrowsAsync<FrameClientException>(() => second.WaitAsync(ChildProcess.Timeout));
        Assert.StartsWith($"The connection to 127.0.0.1:{server.Port} was closed because the server's answer to an earlier request broke the protocol (EmptyHeader", behind.Message, StringComparison.Ordinal);
        Assert.IsType<ProtocolException>(behind.InnerException);
        Assert.False(behind.RequestNotProcessed);
    }

    [Fact]
    public async Task Refused_connection_says_the_request_was_not_processed()
    {
        int port;
        await using (var gone = FakeServer.Tcp(_ => Task.CompletedTask))
        {
            port = gone.Port;
        }

        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = port });

        FrameClientException error = await Assert.ThrowsAsync<FrameClientException>(async () => await client.SendAsync(Request));

        Assert.True(error.RequestNotProcessed);
        Assert.StartsWith($"Could not connect to 127.0.0.1 port {port}", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(ClientFailures.NotProcessed, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_that_read_the_request_and_closed_may_have_processed_it()
    {
        await using var server = FakeServer.Tcp(async peer =>
        {
            await peer.ReadFrameAsync();
            peer.Close();
        });
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port });

        FrameClientException error = await Assert.ThrowsAsync<FrameClientException>(async () => await client.SendAsync(Request).AsTask().WaitAsync(ChildProcess.Timeout));

        Assert.False(error.RequestNotProcessed);
        Assert.Equal($"The server 127.0.0.1:{server.Port} closed the connection before answering. {ClientFailures.MayHaveProcessed}", error.Message);
    }

    [Fact]
    public async Task An_idempotent_request_the_server_may_have_processed_goes_out_again_and_is_answered()
    {
        await using var server = FakeServer.DropsFirstAnswer();
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port, RequestsAreIdempotent = true });

        Frame answer = await client.SendAsync(Request).AsTask().WaitAsync(ChildProcess.Timeout);

        Assert.Equal(FakePeer.Echo(Request).Content.ToArray(), answer.Content.ToArray());
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task An_idempotent_request_is_sent_at_most_three_times()
    {
        int connections = 0;
        await using var server = FakeServer.Tcp(async peer =>
        {
            Interlocked.Increment(ref connections);
            await peer.ReadFrameAsync();
            peer.Close();
        });
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port, RequestsAreIdempotent = true });

        FrameClientException error = await Assert.ThrowsAsync<FrameClientException>(async () => await client.SendAsync(Request).AsTask().WaitAsync(ChildProcess.Timeout));

        Assert.False(error.RequestNotProcessed);
        Assert.Equal(3, Volatile.Read(ref connections));
    }

    [Fact]
    public async Task Connection_reset_while_the_request_is_written_goes_out_again_and_then_says_it_was_not_processed()
    {
        // Every connection is reset after 64 KiB of the request: the server never has it whole.
        await using var server = FakeServer.Tcp(peer => peer.EchoFramesAsync());
        await using var proxy = FaultProxy.Start(server.Port, link => link.ToServer.CutAfter(64 * 1024, ProxyFault.Reset));
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = proxy.Port });

        FrameClientException error = await Assert.ThrowsAsync<FrameClientException>(async () =>
            await client.SendAsync(Frame.Binary(SampleContentTypes.ClientBinary, new byte[8 * 1024 * 1024])).AsTask().WaitAsync(ChildProcess.Timeout));

        Assert.True(error.RequestNotProcessed);
        Assert.Contains("went out on 3 connections in a row and none read it", error.Message, StringComparison.Ordinal);
        Assert.Contains(ClientFailures.BrokenWhileSending, error.Message, StringComparison.Ordinal);
        Assert.Equal(3, proxy.Accepted);
    }

    [Fact]
    public async Task Timeout_while_the_request_is_written_gives_the_timeout_and_says_it_was_not_processed()
    {
        await using var server = FakeServer.Tcp(peer => peer.EchoFramesAsync());
        await using var proxy = FaultProxy.Start(server.Port, link => link.ToServer.Stall());
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = proxy.Port, RequestTimeout = TimeSpan.FromMilliseconds(500) });

        FrameClientTimeoutException error = await Assert.ThrowsAsync<FrameClientTimeoutException>(async () =>
            await client.SendAsync(Frame.Binary(SampleContentTypes.ClientBinary, new byte[8 * 1024 * 1024])).AsTask().WaitAsync(ChildProcess.Timeout));

        Assert.True(error.RequestNotProcessed);
        Assert.Equal(TimeSpan.FromMilliseconds(500), error.Timeout);
        Assert.Equal($"The request to 127.0.0.1:{proxy.Port} could not be sent within the request timeout of 500 ms (FrameClientOptions.RequestTimeout). {ClientFailures.NotProcessed}", error.Message);
    }

    [Fact]
    public async Task Answer_dropped_on_the_way_times_out_saying_the_request_may_have_been_processed()
    {
        await using var server = FakeServer.Tcp(peer => peer.EchoFramesAsync());
        await using var proxy = FaultProxy.Start(server.Port);
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = proxy.Port, RequestTimeout = TimeSpan.FromSeconds(2) });

        // One exchange first, so that the request goes out at once on an open connection; then answers vanish.
        await client.SendAsync(Request).AsTask().WaitAsync(ChildProcess.Timeout);
        (await proxy.LinkAsync(0)).ToClient.CutAfter(0, ProxyFault.Drop);

        FrameClientTimeoutException error = await Assert.ThrowsAsync<FrameClientTimeoutException>(async () => await client.SendAsync(Request).AsTask().WaitAsync(ChildProcess.Timeout));

        Assert.False(error.RequestNotProcessed);
        Assert.Equal($"No response from 127.0.0.1:{proxy.Port} within the request timeout of 2 s (FrameClientOptions.RequestTimeout). {ClientFailures.MayHaveProcessed}", error.Message);
    }

    [Fact]
    public async Task Bytes_rechunked_one_at_a_time_both_ways_still_make_whole_frames()
    {
        await using var server = FakeServer.Tcp(peer => peer.EchoFramesAsync());
        await using var proxy = FaultProxy.Start(server.Port, link =>
        {
            link.ToServer.ChunkSize = 1;
            link.ToClient.ChunkSize = 1;
        });
        await using var client = new FrameClient(new FrameClientOptions { MaxConnectionsPerServer = 1, Host = "127.0.0.1", Port = proxy.Port });
        await KeepAlive.WarmUpAsync(client);

        Frame[] answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => client.SendAsync(Frame.Binary(SampleContentTypes.ClientBinary, Encoding.UTF8.GetBytes($"r{i}"))).AsTask()))
            .WaitAsync(ChildProcess.Timeout);

        Assert.Equal(["echo:r0", "echo:r1", "echo:r2", "echo:r3"], answers.Select(a => Encoding.UTF8.GetString(a.Content.ToArray())));
        Assert.Equal(1, proxy.Accepted);
    }
}
