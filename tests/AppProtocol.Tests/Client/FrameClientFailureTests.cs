using System.Buffers;
using System.Text;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Samples;

namespace AppProtocol.Tests.Client;

/// <summary>Timeouts, cancellation, garbage and broken connections: typed errors, and the next call gets a new connection.</summary>
public sealed class FrameClientFailureTests
{
    private static readonly Frame Request = Frame.Binary(SampleContentTypes.ClientBinary, "ping"u8.ToArray());

    [Fact]
    public async Task Silent_server_times_out_and_fails_every_pending_request()
    {
        var bothArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = FakeServer.Tcp(async peer =>
        {
            // Read both requests, answer neither, and wait for the client to give up on the connection.
            await peer.EchoFramesAsync(KeepAlive.Exchanges);
            await peer.ReadFrameAsync();
            await peer.ReadFrameAsync();
            bothArrived.SetResult();
            Assert.Null(await peer.ReadFrameAsync());
        });
        await using var client = new FrameClient(new FrameClientOptions { MaxConnectionsPerServer = 1, Host = "127.0.0.1", Port = server.Port, RequestTimeout = TimeSpan.FromSeconds(2) });
        await KeepAlive.WarmUpAsync(client);

        Task<Frame> first = client.SendAsync(Request).AsTask();
        Task<Frame> second = client.SendAsync(Request).AsTask();
        await bothArrived.Task.WaitAsync(ChildProcess.Timeout);
        Exception[] failures =
        [
            await Assert.ThrowsAnyAsync<Exception>(() => first.WaitAsync(ChildProcess.Timeout)),
            await Assert.ThrowsAnyAsync<Exception>(() => second.WaitAsync(ChildProcess.Timeout)),
        ];

        // Whichever timed out first gets the timeout; one it abandoned with it gets FrameClientException saying why.
        Assert.Contains(failures, f => f is FrameClientTimeoutException);
        Assert.All(failures, f => Assert.True(f is FrameClientTimeoutException || f is FrameClientException { InnerException: FrameClientTimeoutException }, f.ToString()));
        Assert.All(failures, f => Assert.Contains("within the request timeout of 2 s", f.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Timeout_replaces_the_connection_for_the_next_call()
    {
        int connection = 0;
        await using var server = FakeServer.Tcp(async peer =>
        {
            if (Interlocked.Increment(ref connection) == 1)
            {
                // Answer one request, so that the next goes out at once on an open connection, then never answer again.
                await peer.EchoFramesAsync(1);
                await peer.ReadFrameAsync();
                Assert.Null(await peer.ReadFrameAsync());
                return;
            }

            await peer.EchoFramesAsync();
        });
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port, RequestTimeout = TimeSpan.FromSeconds(2) });
        await client.SendAsync(Request).AsTask().WaitAsync(ChildProcess.Timeout);

        FrameClientTimeoutException timedOut = await Assert.ThrowsAsync<FrameClientTimeoutException>(async () => await client.SendAsync(Request));
        Assert.False(timedOut.RequestNotProcessed);
        Frame response = await client.SendAsync(Request).AsTask().WaitAsync(ChildProcess.Timeout);

        Assert.Equal("echo:ping", Encoding.UTF8.GetString(response.Content.ToArray()));
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task Already_cancelled_token_sends_nothing()
    {
        await using var server = FakeServer.Tcp(async peer => Assert.Null(await peer.ReadFrameAsync()));
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await client.SendAsync(Request, new CancellationToken(canceled: true)));
    }

    [Theory]
    [InlineData("00027b7d", ProtocolError.MissingRequiredHeader)]
    [InlineData("0000", ProtocolError.EmptyHeader)]
    [InlineData("00025b5d", ProtocolError.HeaderNotObject)]
    public async Task Garbage_answer_is_a_protocol_exception(string hex, ProtocolError expected)
    {
        await using var server = FakeServer.Tcp(async peer =>
        {
            await peer.ReadFrameAsync();
            await peer.WriteRawAsync(Convert.FromHexString(hex));
            await peer.ReadFrameAsync();
        });
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port });

        ProtocolException error = await Assert.ThrowsAsync<ProtocolException>(async () => await client.SendAsync(Request).AsTask().WaitAsync(ChildProcess.Timeout));

        Assert.Equal(expected, error.Error);
    }

    [Fact]
    public async Task Content_beyond_the_client_limit_is_refused()
    {
        await using var server = FakeServer.Tcp(async peer =>
        {
            await peer.ReadFrameAsync();
            await peer.WriteAsync(Frame.Binary(SampleContentTypes.ServerBinary, new byte[101]));
            await peer.ReadFrameAsync();
        });
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port, Limits = new FrameLimits { MaxContentLength = 100 } });

        ProtocolException error = await Assert.ThrowsAsync<ProtocolException>(async () => await client.SendAsync(Request).AsTask().WaitAsync(ChildProcess.Timeout));

        Assert.Equal(ProtocolError.ContentTooLarge, error.Error);
    }

    [Fact]
    public async Task Server_closing_mid_response_is_a_lost_connection_naming_the_server()
    {
        await using var server = FakeServer.Tcp(async peer =>
        {
            await peer.ReadFrameAsync();
            var whole = new ArrayBufferWriter<byte>();
            FrameWriter.Write(whole, Frame.Binary(SampleContentTypes.ServerBinary, "0123456789"u8.ToArray()));
            await peer.WriteRawAsync(whole.WrittenSpan[..^4].ToArray());
            peer.Close();
        });
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port });

        FrameClientException error = await Assert.ThrowsAsync<FrameClientException>(async () => await client.SendAsync(Request).AsTask().WaitAsync(ChildProcess.Timeout));

        Assert.Contains($"127.0.0.1:{server.Port} closed the connection in the middle of the response", error.Message, StringComparison.Ordinal);
        Assert.Equal(ProtocolError.TruncatedFrame, Assert.IsType<ProtocolException>(error.InnerException).Error);
        Assert.False(error.RequestNotProcessed);
    }

    [Fact]
    public async Task Server_closing_without_answering_is_a_client_exception_and_is_not_resent()
    {
        int requestsSeen = 0;
        await using var server = FakeServer.Tcp(async peer =>
        {
            if (await peer.ReadFrameAsync() is not null)
            {
                Interlocked.Increment(ref requestsSeen);
            }

            peer.Close();
        });
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port });

        FrameClientException error = await Assert.ThrowsAsync<FrameClientException>(async () => await client.SendAsync(Request).AsTask().WaitAsync(ChildProcess.Timeout));

        Assert.Contains("closed the connection before answering", error.Message);
        await server.DisposeAsync();
        Assert.Equal(1, requestsSeen);
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task Refused_connection_is_a_client_exception()
    {
        int port;
        await using (var gone = FakeServer.Tcp(_ => Task.CompletedTask))
        {
            port = gone.Port;
        }

        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = port });

        FrameClientException error = await Assert.ThrowsAsync<FrameClientException>(async () => await client.SendAsync(Request));
        Assert.IsType<System.Net.Sockets.SocketException>(error.InnerException);
    }

    [Fact]
    public void Options_without_a_server_are_rejected()
    {
        Assert.Contains("UnixSocketPath", Assert.Throws<ArgumentException>(() => new FrameClient(new FrameClientOptions())).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new FrameClient(new FrameClientOptions { Host = "localhost" }));
    }

    [Fact]
    public void Options_are_validated_when_set_and_the_error_names_the_setting()
    {
        Assert.Equal("Port", Assert.Throws<ArgumentOutOfRangeException>(() => new FrameClientOptions { Port = 0 }).ParamName);
        Assert.Equal("Port", Assert.Throws<ArgumentOutOfRangeException>(() => new FrameClientOptions { Port = 65536 }).ParamName);
        Assert.Equal("ConnectTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => new FrameClientOptions { ConnectTimeout = TimeSpan.Zero }).ParamName);
        Assert.Equal("RequestTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => new FrameClientOptions { RequestTimeout = TimeSpan.FromSeconds(-2) }).ParamName);
        Assert.Equal(Timeout.InfiniteTimeSpan, new FrameClientOptions { RequestTimeout = Timeout.InfiniteTimeSpan }.RequestTimeout);
    }
}
