using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Samples;

namespace AppProtocol.Tests.Client;

/// <summary>Faults between client and server (through <see cref="FaultProxy"/>): each failure names the server and its cause.</summary>
public sealed class FrameClientFaultTests
{
    private static readonly Frame Request = Frame.Binary(SampleContentTypes.ClientBinary, "ping"u8.ToArray());

    [Fact]
    public async Task Connection_lost_mid_response_fails_every_request_on_it_as_a_lost_connection_naming_the_server()
    {
        var bothArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = FakeServer.Tcp(async peer =>
        {
            Frame first = (await peer.ReadFrameAsync())!.Value;
            Frame second = (await peer.ReadFrameAsync())!.Value;
            bothArrived.SetResult();
            await peer.WriteAsync(FakePeer.Echo(first));
            await peer.WriteAsync(FakePeer.Echo(second));
            await peer.ReadFrameAsync();
        });

        // The first answer is cut after 10 bytes by a FIN: the second answer never starts.
        await using var proxy = FaultProxy.Start(server.Port, link => link.ToClient.CutAfter(10, ProxyFault.HalfClose));
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = proxy.Port });
        Task<Frame> first = client.SendAsync(Request).AsTask();
        Task<Frame> second = client.SendAsync(Request).AsTask();
        await bothArrived.Task.WaitAsync(ChildProcess.Timeout);

        FrameClientException cut = await Assert.ThrowsAsync<FrameClientException>(() => first.WaitAsync(ChildProcess.Timeout));
        FrameClientException unanswered = await Assert.ThrowsAsync<FrameClientException>(() => second.WaitAsync(ChildProcess.Timeout));
        Assert.Contains($"127.0.0.1:{proxy.Port} closed the connection in the middle of the response", cut.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{proxy.Port} closed the connection before answering", unanswered.Message, StringComparison.Ordinal);
        Assert.All([cut, unanswered], e => Assert.Equal(ProtocolError.TruncatedFrame, Assert.IsType<ProtocolException>(e.InnerException).Error));
    }

    [Fact]
    public async Task Garbage_answer_is_its_request_protocol_error_and_a_lost_connection_for_the_requests_behind_it()
    {
        var bothArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = FakeServer.Tcp(async peer =>
        {
            await peer.ReadFrameAsync();
            await peer.ReadFrameAsync();
            bothArrived.SetResult();
            await peer.WriteRawAsync([0, 0]);
            await peer.ReadFrameAsync();
        });
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port });
        Task<Frame> first = client.SendAsync(Request).AsTask();
        Task<Frame> second = client.SendAsync(Request).AsTask();
        await bothArrived.Task.WaitAsync(ChildProcess.Timeout);

        Assert.Equal(ProtocolError.EmptyHeader, (await Assert.ThrowsAsync<ProtocolException>(() => first.WaitAsync(ChildProcess.Timeout))).Error);
        FrameClientException behind = await Assert.ThrowsAsync<FrameClientException>(() => second.WaitAsync(ChildProcess.Timeout));
        Assert.StartsWith($"The connection to 127.0.0.1:{server.Port} was closed because the server's answer to an earlier request broke the protocol (EmptyHeader", behind.Message, StringComparison.Ordinal);
        Assert.IsType<ProtocolException>(behind.InnerException);
    }
}
