using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AppProtocol.Tests.Client;

/// <summary>The scripted proxy itself, over raw sockets to an echo server: it forwards, and injects the faults it is told to.</summary>
public sealed class FaultProxyTests
{
    [Fact]
    public async Task Without_a_script_it_forwards_both_ways_and_passes_a_FIN_on()
    {
        await using var server = FakeServer.Tcp(peer => peer.EchoBytesAsync());
        await using var proxy = FaultProxy.Start(server.Port);
        using Socket client = await ConnectAsync(proxy.Port);

        await client.SendAsync("hello"u8.ToArray());
        Assert.Equal("hello", await ReceiveAsync(client, 5));
        client.Shutdown(SocketShutdown.Send);

        Assert.Equal("", await ReceiveToEndAsync(client));
        Assert.Equal(1, proxy.Accepted);
    }

    [Fact]
    public async Task Rechunked_bytes_arrive_whole_and_in_order()
    {
        await using var server = FakeServer.Tcp(peer => peer.EchoBytesAsync());
        await using var proxy = FaultProxy.Start(server.Port, link =>
        {
            link.ToServer.ChunkSize = 1;
            link.ToClient.ChunkSize = 3;
        });
        using Socket client = await ConnectAsync(proxy.Port);

        await client.SendAsync("0123456789"u8.ToArray());

        Assert.Equal("0123456789", await ReceiveAsync(client, 10));
        Assert.Equal(10, (await proxy.LinkAsync(0)).ToServer.Forwarded);
    }

    [Fact]
    public async Task A_half_close_cut_delivers_the_bytes_before_it_then_a_FIN()
    {
        await using var server = FakeServer.Tcp(peer => peer.EchoBytesAsync());
        await using var proxy = FaultProxy.Start(server.Port, link => link.ToClient.CutAfter(3, ProxyFault.HalfClose));
        using Socket client = await ConnectAsync(proxy.Port);

        await client.SendAsync("hello"u8.ToArray());

        Assert.Equal("hel", await ReceiveToEndAsync(client));
    }

    [Fact]
    public async Task A_reset_cut_resets_the_connection()
    {
        await using var server = FakeServer.Tcp(peer => peer.EchoBytesAsync());
        await using var proxy = FaultProxy.Start(server.Port, link => link.ToClient.CutAfter(2, ProxyFault.Reset));
        using Socket client = await ConnectAsync(proxy.Port);

        await client.SendAsync("hello"u8.ToArray());

        SocketException reset = await Assert.ThrowsAsync<SocketException>(() => ReceiveToEndAsync(client));
        Assert.Equal(SocketError.ConnectionReset, reset.SocketErrorCode);
    }

    [Fact]
    public async Task A_stalled_direction_forwards_nothing_until_resumed()
    {
        await using var server = FakeServer.Tcp(peer => peer.EchoBytesAsync());
        await using var proxy = FaultProxy.Start(server.Port, link => link.ToServer.Stall());
        using Socket client = await ConnectAsync(proxy.Port);
        ProxyLink link = await proxy.LinkAsync(0);

        await client.SendAsync("hello"u8.ToArray());
        Assert.Equal(0, link.ToServer.Forwarded);
        link.ToServer.Resume();

        Assert.Equal("hello", await ReceiveAsync(client, 5));
    }

    [Fact]
    public async Task A_held_FIN_goes_on_once_the_client_sends_again()
    {
        await using var server = FakeServer.Tcp(async peer =>
        {
            await peer.WriteRawAsync("bye"u8.ToArray());
            peer.Close();
        });
        await using var proxy = FaultProxy.Start(server.Port, link => link.ToClient.HoldEndOfStream = true);
        using Socket client = await ConnectAsync(proxy.Port);
        Assert.Equal("bye", await ReceiveAsync(client, 3));
        ProxyLink link = await proxy.LinkAsync(0);
        Task sentAgain = link.ToServer.WaitForwardedBeyondAsync(0);
        Assert.False(sentAgain.IsCompleted);

        await client.SendAsync("again"u8.ToArray());

        Assert.Equal("", await ReceiveToEndAsync(client));
        await sentAgain.WaitAsync(ChildProcess.Timeout);
    }

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(ChildProcess.Timeout);
        return socket;
    }

    private static async Task<string> ReceiveAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        for (int received = 0; received < count;)
        {
            int read = await socket.ReceiveAsync(buffer.AsMemory(received)).AsTask().WaitAsync(ChildProcess.Timeout);
            Assert.NotEqual(0, read);
            received += read;
        }

        return Encoding.UTF8.GetString(buffer);
    }

    private static async Task<string> ReceiveToEndAsync(Socket socket)
    {
        var text = new StringBuilder();
        var buffer = new byte[1024];
        while (await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(ChildProcess.Timeout) is var read and > 0)
        {
            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return text.ToString();
    }
}
