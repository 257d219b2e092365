using System.Buffers;
using System.Net;
using System.Net.Sockets;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Samples;
using AppProtocol.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace AppProtocol.Tests.Client;

/// <summary>
/// A connection that one caller closes or disposes while others still hold it (the client replacing a stale
/// connection under concurrent callers): the others go elsewhere or fail with the reason, never with
/// <see cref="ObjectDisposedException"/> from its lock, and never wait on a lock nobody releases.
/// </summary>
public sealed class FrameConnectionLifetimeTests
{
    private static readonly ReadOnlyMemory<byte> Small = Encode(new byte[1]);

    [Fact]
    public async Task A_caller_still_holding_a_disposed_connection_is_told_to_go_elsewhere()
    {
        await using var server = FakeServer.Tcp(peer => peer.EchoFramesAsync());
        FrameConnection connection = await ConnectAsync(server.Port);
        await connection.DisposeAsync();

        SendOutcome outcome = await SendAsync(connection, Small).WaitAsync(ChildProcess.Timeout);

        Assert.Equal(SendOutcome.NotSent, outcome);
    }

    [Fact]
    public async Task Disposing_twice_completes_both_times()
    {
        await using var server = FakeServer.Tcp(peer => peer.EchoFramesAsync());
        FrameConnection connection = await ConnectAsync(server.Port);

        await connection.DisposeAsync().AsTask().WaitAsync(ChildProcess.Timeout);
        await connection.DisposeAsync().AsTask().WaitAsync(ChildProcess.Timeout);
    }

    [Fact]
    public async Task Callers_writing_and_waiting_to_write_when_the_connection_is_disposed_all_finish_at_once()
    {
        // The proxy never reads the client's bytes: an 8 MiB request stays half-written, holding the write lock.
        await using var server = FakeServer.Tcp(peer => peer.EchoFramesAsync());
        await using var proxy = FaultProxy.Start(server.Port, link => link.ToServer.Stall());
        FrameConnection connection = await ConnectAsync(proxy.Port);
        Task<SendOutcome> writing = SendAsync(connection, Encode(new byte[8 * 1024 * 1024]));
        Task<SendOutcome> queued = SendAsync(connection, Small);
        Assert.False(writing.IsCompleted);

        await connection.DisposeAsync().AsTask().WaitAsync(ChildProcess.Timeout);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => writing.WaitAsync(ChildProcess.Timeout));
        Assert.Equal(SendOutcome.NotSent, await queued.WaitAsync(ChildProcess.Timeout));
    }

    [Fact]
    public async Task Callers_racing_the_server_close_go_elsewhere_or_fail_with_the_reason()
    {
        await using var server = FakeServer.Tcp(async peer =>
        {
            await peer.EchoFramesAsync(1);
            peer.Close();
        });
        FrameConnection connection = await ConnectAsync(server.Port);
        Assert.NotNull((await SendAsync(connection, Small).WaitAsync(ChildProcess.Timeout)).Response);

        // Eight callers that took the connection before its close was seen: none waits, none meets a disposed lock.
        Task<SendOutcome>[] later = [.. Enumerable.Range(0, 8).Select(_ => SendAsync(connection, Small))];
        foreach (Task<SendOutcome> call in later)
        {
            try
            {
                Assert.Null((await call.WaitAsync(ChildProcess.Timeout)).Response);
            }
            catch (FrameClientException ex)
            {
                Assert.Contains($"127.0.0.1:{server.Port}", ex.Message, StringComparison.Ordinal);
            }
        }

        await connection.DisposeAsync().AsTask().WaitAsync(ChildProcess.Timeout);
        Assert.True(connection.IsClosed);
    }

    [Fact]
    public async Task A_request_reset_unread_while_its_write_is_still_finishing_goes_elsewhere()
    {
        // The server answers, then resets the connection as the next request arrives, unread.
        await using var server = FakeServer.Tcp(async peer =>
        {
            await peer.EchoFramesAsync(1);
            await peer.CloseWithUnreadDataAsync();
        });
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port));
        var stream = new HeldWriteStream(new NetworkStream(socket, ownsSocket: true));

        // The second request's bytes reach the server, but its write returns only once the reset has closed the
        // connection: the writer then finishes, on this thread, while the reader has yet to hand the request back.
        var log = new CapturingLogger(name =>
        {
            if (name == "ConnectionClosed")
            {
                stream.Release();
            }
        });
        var options = new FrameClientOptions { Host = "127.0.0.1", Port = server.Port, Logger = log };
        await using var connection = new FrameConnection(socket, stream, options, new ConnectionReuse(options.Describe(), NullLogger.Instance), singleUse: false);
        Assert.NotNull((await SendAsync(connection, Small).WaitAsync(ChildProcess.Timeout)).Response);
        stream.HoldNextWrite();

        SendOutcome outcome = await SendAsync(connection, Small).WaitAsync(ChildProcess.Timeout);

        Assert.Null(outcome.Response);
        Assert.Equal(ClientFailures.ResetUnread, outcome.ResendReason);
    }

    [Fact]
    public async Task A_claimed_connection_is_idle_to_no_other_caller_until_the_claim_is_given_back_or_sent()
    {
        await using var server = FakeServer.Tcp(peer => peer.EchoFramesAsync());
        await using FrameConnection connection = await ConnectAsync(server.Port);

        // One caller found it idle; the next does not, though it may still share it as a busy connection.
        Assert.True(connection.TryClaim(idleOnly: true));
        Assert.False(connection.TryClaim(idleOnly: true));
        Assert.True(connection.TryClaim(idleOnly: false));
        connection.Unclaim();

        // Given back, the connection is idle again.
        connection.Unclaim();
        Assert.True(connection.TryClaim(idleOnly: true));
        connection.Unclaim();

        // Sent (the helper claims, the send takes the claim) and answered: idle again.
        Assert.NotNull((await SendAsync(connection, Small).WaitAsync(ChildProcess.Timeout)).Response);
        Assert.True(connection.TryClaim(idleOnly: true));
    }

    [Fact]
    public async Task A_connection_opened_on_a_blocked_synchronization_context_still_reads_its_answers()
    {
        // A caller on a UI thread whose connect completed at once opens the connection there, then blocks on the call.
        await using var server = FakeServer.Tcp(peer => peer.EchoFramesAsync());
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port));
        var options = new FrameClientOptions { Host = "127.0.0.1", Port = server.Port };
        var blocked = new BlockedSynchronizationContext();
        await using FrameConnection connection = blocked.Run(() => new FrameConnection(socket, new NetworkStream(socket, ownsSocket: true), options, new ConnectionReuse(options.Describe(), NullLogger.Instance), singleUse: false));

        Assert.NotNull((await SendAsync(connection, Small).WaitAsync(ChildProcess.Timeout)).Response);
        Assert.Equal(0, blocked.Posted);
    }

    private static readonly BoundedPool<PendingRequest> Requests = new(16);

    private static async Task<SendOutcome> SendAsync(FrameConnection connection, ReadOnlyMemory<byte> encoded)
    {
        // Claimed as FrameClient claims the connection it chooses (a retired one refuses; its load counts no more).
        _ = connection.TryClaim(idleOnly: false);
        PendingRequest request = PendingRequest.Rent(Requests, default, encoded, leases: false);
        request.Tokens = new CallTokens(CancellationToken.None, CancellationToken.None);
        try
        {
            return await connection.SendAsync(request);
        }
        finally
        {
            request.ReleaseOwner();
        }
    }

    private static ReadOnlyMemory<byte> Encode(byte[] content)
    {
        var encoded = new ArrayBufferWriter<byte>();
        FrameWriter.Write(encoded, Frame.Binary(SampleContentTypes.ClientBinary, content));
        return encoded.WrittenMemory;
    }

    private static async Task<FrameConnection> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        var options = new FrameClientOptions { Host = "127.0.0.1", Port = port };
        return new FrameConnection(socket, new NetworkStream(socket, ownsSocket: true), options, new ConnectionReuse(options.Describe(), NullLogger.Instance), singleUse: false);
    }
}
