using System.Net;
using System.Net.Sockets;
using AppProtocol.Transport;

namespace AppProtocol.Tests.Transport;

/// <summary>The server's socket stream: sends at once while the kernel takes the bytes, waits for the rest otherwise.</summary>
public sealed class SocketStreamTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_write_larger_than_the_kernel_buffers_waits_for_the_peer_and_delivers_every_byte()
    {
        (Socket server, Socket peer) = await ConnectedPairAsync();
        using Socket _ = peer;
        await using var stream = new SocketStream(server);

        // Far more than loopback's send and receive buffers hold together, so the write cannot finish before the peer reads.
        byte[] data = new byte[64 * 1024 * 1024];
        new Random(5).NextBytes(data);
        ValueTask write = stream.WriteAsync(data);
        Assert.False(write.IsCompleted, "The whole write completed at once: the kernel took 64 MiB without a reader.");

        byte[] received = new byte[data.Length];
        for (int at = 0; at < received.Length;)
        {
            int count = await peer.ReceiveAsync(received.AsMemory(at)).AsTask().WaitAsync(Patience);
            Assert.NotEqual(0, count);
            at += count;
        }

        await write.AsTask().WaitAsync(Patience);
        Assert.True(data.AsSpan().SequenceEqual(received));
    }

    [Fact]
    public async Task A_zero_byte_read_waits_for_data_and_takes_none()
    {
        (Socket server, Socket peer) = await ConnectedPairAsync();
        using Socket _ = peer;
        await using var stream = new SocketStream(server);

        ValueTask<int> wait = stream.ReadAsync(Memory<byte>.Empty);
        Assert.False(wait.IsCompleted);
        await peer.SendAsync("abc"u8.ToArray());

        Assert.Equal(0, await wait.AsTask().WaitAsync(Patience));
        byte[] buffer = new byte[3];
        Assert.Equal(3, await stream.ReadAsync(buffer).AsTask().WaitAsync(Patience));
        Assert.Equal("abc"u8.ToArray(), buffer);
    }

    [Fact]
    public async Task A_reset_connection_fails_reads_and_writes_with_IOException_around_the_socket_error()
    {
        (Socket server, Socket peer) = await ConnectedPairAsync();
        await using var stream = new SocketStream(server);
        peer.LingerState = new LingerOption(true, 0);
        peer.Close();
        IOException read = await Assert.ThrowsAsync<IOException>(async () => await stream.ReadAsync(new byte[1]).AsTask().WaitAsync(Patience));
        IOException write = await Assert.ThrowsAsync<IOException>(async () => await stream.WriteAsync(new byte[100]).AsTask().WaitAsync(Patience));

        Assert.IsType<SocketException>(read.InnerException);
        Assert.IsType<SocketException>(write.InnerException);
    }

    private static async Task<(Socket Server, Socket Peer)> ConnectedPairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await peer.ConnectAsync(listener.LocalEndPoint!).WaitAsync(Patience);
        return (await listener.AcceptAsync().WaitAsync(Patience), peer);
    }
}
