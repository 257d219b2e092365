using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using AppProtocol.Transport;

namespace AppProtocol.Tests.Transport;

public class SocketListenerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Accepted_connection_carries_bytes_both_ways_through_its_pipe()
    {
        await using SocketListener listener = SocketListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.EndPoint).WaitAsync(Patience);
        await using SocketConnection connection = (await listener.AcceptAsync().AsTask().WaitAsync(Patience))!;
        Assert.Equal(client.LocalEndPoint, connection.RemoteEndPoint);

        await client.SendAsync("Hello, world"u8.ToArray());
        ReadResult read = await connection.Transport.Input.ReadAtLeastAsync(12).AsTask().WaitAsync(Patience);
        Assert.Equal("Hello, world"u8.ToArray(), read.Buffer.ToArray());
        connection.Transport.Input.AdvanceTo(read.Buffer.End);
        await connection.Transport.Output.WriteAsync("back"u8.ToArray());

        byte[] answer = new byte[4];
        Assert.Equal(4, await client.ReceiveAsync(answer.AsMemory()).AsTask().WaitAsync(Patience));
        Assert.Equal("back"u8.ToArray(), answer);
    }

    [Fact]
    public async Task Disposing_the_connection_ends_the_peers_stream()
    {
        await using SocketListener listener = SocketListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.EndPoint).WaitAsync(Patience);
        SocketConnection connection = (await listener.AcceptAsync().AsTask().WaitAsync(Patience))!;
        _ = connection.Transport;

        // The end of stream goes out at once; the close itself waits (briefly) for the peer's.
        ValueTask closing = connection.DisposeAsync();
        Assert.Equal(0, await client.ReceiveAsync(new byte[1].AsMemory()).AsTask().WaitAsync(Patience));
        client.Shutdown(SocketShutdown.Send);
        await closing.AsTask().WaitAsync(Patience);
        await connection.DisposeAsync();
    }

    [Fact]
    public async Task Pending_accept_returns_null_when_the_listener_is_disposed()
    {
        SocketListener listener = SocketListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        ValueTask<SocketConnection?> accepting = listener.AcceptAsync();

        await listener.DisposeAsync();

        Assert.Null(await accepting.AsTask().WaitAsync(Patience));
        Assert.Null(await listener.AcceptAsync().AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Accept_honours_its_cancellation_token()
    {
        await using SocketListener listener = SocketListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var cancel = new CancellationTokenSource();
        ValueTask<SocketConnection?> accepting = listener.AcceptAsync(cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => accepting.AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Resolves_empty_host_to_every_interface()
    {
        IReadOnlyList<EndPoint> endPoints = await ListenAddress.Tcp("", 65432).ResolveAsync();

        IPEndPoint any = Assert.IsType<IPEndPoint>(Assert.Single(endPoints));
        Assert.True(any.Address.Equals(IPAddress.IPv6Any) || any.Address.Equals(IPAddress.Any));
        Assert.Equal(65432, any.Port);
    }

    [Fact]
    public void Rejects_a_port_out_of_range() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ListenAddress.Tcp("127.0.0.1", 65536));
}
