using System.Net;
using System.Net.Sockets;

namespace AppProtocol.Tests.Client;

/// <summary>One connection through a <see cref="FaultProxy"/>: the client's socket, the proxy's own to the server, and a pipe each way.</summary>
internal sealed class ProxyLink
{
    private readonly Socket _client;
    private readonly Socket _server;
    private int _reset;

    public ProxyLink(int index, Socket client)
    {
        Index = index;
        _client = client;
        _server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = FaultProxy.BufferSize };
        ToServer.Opposite = ToClient;
        ToClient.Opposite = ToServer;
    }

    /// <summary>0 for the first connection the proxy accepted, and so on.</summary>
    public int Index { get; }

    /// <summary>The client's bytes on their way to the server.</summary>
    public ProxyPipe ToServer { get; } = new();

    /// <summary>The server's bytes on their way to the client.</summary>
    public ProxyPipe ToClient { get; } = new();

    /// <summary>Resets both sides at once (RST, as a close with linger 0 sends).</summary>
    public void Reset()
    {
        if (Interlocked.Exchange(ref _reset, 1) != 0)
        {
            return;
        }

        foreach (Socket socket in (Socket[])[_client, _server])
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Already closed: nothing to reset.
            }

            socket.Dispose();
        }

        ToServer.Resume();
        ToClient.Resume();
    }

    /// <summary>Connects to the server and forwards both ways until both directions ended, then closes both sockets.</summary>
    internal async Task RunAsync(int serverPort)
    {
        try
        {
            await _server.ConnectAsync(new IPEndPoint(IPAddress.Loopback, serverPort));
        }
        catch (SocketException)
        {
            Reset();
            return;
        }

        await Task.WhenAll(ToServer.PumpAsync(_client, _server, this), ToClient.PumpAsync(_server, _client, this));
        _client.Dispose();
        _server.Dispose();
    }
}
