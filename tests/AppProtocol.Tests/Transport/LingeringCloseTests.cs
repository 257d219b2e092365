using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AppProtocol.Framing;
using AppProtocol.Samples;
using AppProtocol.Server;
using AppProtocol.Tests.Server;
using AppProtocol.Transport;

namespace AppProtocol.Tests.Transport;

/// <summary>
/// A graceful close drains what the peer still sends before it closes the socket: closing with unread bytes makes
/// the kernel reset the connection, and the reset can destroy the last answer before the peer reads it.
/// </summary>
public sealed class LingeringCloseTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_peer_that_sent_trailing_bytes_and_reads_only_after_the_close_gets_the_whole_answer_and_a_clean_end()
    {
        var gate = new GatedHandler(64 * 1024);
        await using TestServer server = await TestServer.StartAsync(gate.HandleAsync, o => o.CloseAfterResponse = true);

        // A small receive window keeps most of the answer in the server's send queue when it closes: a reset discards
        // that queue (without the drain, the peer got 4 KiB of 64 KiB and then ECONNRESET).
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await peer.ConnectAsync(server.EndPoint).WaitAsync(Patience);
        await peer.SendAsync(Requests.Search("a"));
        await gate.Received.WaitAsync(Patience);

        // Bytes the server will never read (the start of a second request); the peer keeps its socket open.
        await peer.SendAsync(Requests.Search("b"));
        var clock = Stopwatch.StartNew();
        gate.Release();
        await server.FirstClosed.WaitAsync(SocketConnection.DefaultLingerTime + Patience);
        TimeSpan closedAfter = clock.Elapsed;

        // Only now read: without the drain the server's close reset the connection and this failed.
        long received = 0;
        var buffer = new byte[64 * 1024];
        int count;
        try
        {
            while ((count = await peer.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(Patience)) > 0)
            {
                received += count;
            }
        }
        catch (SocketException ex)
        {
            Assert.Fail($"{ex.SocketErrorCode} after {received} of {gate.AnswerBytes} bytes, closed after {closedAfter}");
        }

        // The linger time itself is asserted at the transport level below: the server's closed callback fires when
        // serving ends, before the transport's drain.
        Assert.Equal(gate.AnswerBytes, received);
    }

    [Fact]
    public async Task Dispose_sends_the_end_of_stream_at_once_and_closes_when_the_peer_closes()
    {
        await using LingeringPair pair = await LingeringPair.ConnectAsync(TimeSpan.FromMinutes(5));
        (Socket peer, SocketConnection connection) = (pair.Peer, pair.Connection);
        await peer.SendAsync("unread"u8.ToArray());

        ValueTask closing = connection.DisposeAsync();
        Assert.Equal(0, await peer.ReceiveAsync(new byte[1].AsMemory()).AsTask().WaitAsync(Patience));
        Assert.False(closing.IsCompleted);
        peer.Shutdown(SocketShutdown.Send);

        await closing.AsTask().WaitAsync(Patience);
        await connection.DisposeAsync();
    }

    [Fact]
    public async Task Dispose_closes_after_the_linger_time_when_the_peer_keeps_sending_and_never_closes()
    {
        await using LingeringPair pair = await LingeringPair.ConnectAsync(TimeSpan.FromMilliseconds(300));
        (Socket peer, SocketConnection connection) = (pair.Peer, pair.Connection);
        await connection.Stream.WriteAsync("answer"u8.ToArray());
        await peer.SendAsync(new byte[1000]);
        var clock = Stopwatch.StartNew();

        await connection.DisposeAsync().AsTask().WaitAsync(Patience);

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), Patience);
        byte[] answer = new byte[6];
        Assert.Equal(6, await ReceiveAllThenEndAsync(peer, answer));
        Assert.Equal("answer"u8.ToArray(), answer);
    }

    [Fact]
    public async Task Abort_ends_a_lingering_close_at_once()
    {
        await using LingeringPair pair = await LingeringPair.ConnectAsync(TimeSpan.FromMinutes(5));
        (Socket peer, SocketConnection connection) = (pair.Peer, pair.Connection);
        await peer.SendAsync("unread"u8.ToArray());
        ValueTask closing = connection.DisposeAsync();
        Assert.False(closing.IsCompleted);

        connection.Abort();

        await closing.AsTask().WaitAsync(Patience);
    }

    [Fact]
    public async Task Abort_resets_at_once_without_draining()
    {
        await using LingeringPair pair = await LingeringPair.ConnectAsync(TimeSpan.FromMinutes(5));
        (Socket peer, SocketConnection connection) = (pair.Peer, pair.Connection);

        connection.Abort();

        var error = await Assert.ThrowsAsync<SocketException>(() => peer.ReceiveAsync(new byte[1].AsMemory()).AsTask().WaitAsync(Patience));
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
        await connection.DisposeAsync().AsTask().WaitAsync(Patience);
    }

    [Fact]
    public async Task Dispose_does_not_linger_once_the_peer_ended_its_stream()
    {
        await using LingeringPair pair = await LingeringPair.ConnectAsync(TimeSpan.FromMinutes(5));
        (Socket peer, SocketConnection connection) = (pair.Peer, pair.Connection);
        peer.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await connection.Stream.ReadAsync(new byte[1]).AsTask().WaitAsync(Patience));

        await connection.DisposeAsync().AsTask().WaitAsync(Patience);
    }

    /// <summary>A listener, a peer socket connected to it, and the accepted connection with the given linger time.</summary>
    private sealed class LingeringPair : IAsyncDisposable
    {
        private readonly SocketListener _listener;

        private LingeringPair(SocketListener listener, Socket peer, SocketConnection connection)
        {
            _listener = listener;
            Peer = peer;
            Connection = connection;
        }

        public Socket Peer { get; }

        public SocketConnection Connection { get; }

        public static async Task<LingeringPair> ConnectAsync(TimeSpan lingerTime)
        {
            SocketListener listener = SocketListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await peer.ConnectAsync(listener.EndPoint).WaitAsync(Patience);
            SocketConnection connection = (await listener.AcceptAsync().AsTask().WaitAsync(Patience))!;
            connection.LingerTime = lingerTime;
            return new LingeringPair(listener, peer, connection);
        }

        public async ValueTask DisposeAsync()
        {
            Peer.Dispose();
            await Connection.DisposeAsync();
            await _listener.DisposeAsync();
        }
    }

    // Fills the buffer, then expects a clean end of stream (a reset throws).
    private static async Task<int> ReceiveAllThenEndAsync(Socket peer, byte[] buffer)
    {
        int at = 0;
        while (at < buffer.Length)
        {
            int count = await peer.ReceiveAsync(buffer.AsMemory(at)).AsTask().WaitAsync(Patience);
            Assert.NotEqual(0, count);
            at += count;
        }

        Assert.Equal(0, await peer.ReceiveAsync(new byte[1].AsMemory()).AsTask().WaitAsync(Patience));

        return at;
    }

    /// <summary>Serves the sample application, but holds the first request until released.</summary>
    private sealed class GatedHandler(int answerLength)
    {
        private readonly TaskCompletionSource _received = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Received => _received.Task;

        public long AnswerBytes { get; private set; }

        public void Release() => _release.TrySetResult();

        public async ValueTask HandleAsync(FrameExchange exchange, CancellationToken cancellationToken)
        {
            _received.TrySetResult();
            await _release.Task.WaitAsync(cancellationToken);
            var content = new byte[answerLength];
            var header = FrameHeader.Binary(SampleContentTypes.ClientBinary, content.Length);
            exchange.Respond(header, content);
            // The server adds "connection": "close" to a last response (CloseAfterResponse).
            AnswerBytes = 2 + HeaderWriter.GetLength(header with { ExtraMembers = ConnectionMember.CloseOnly }) + content.Length;
        }
    }
}
