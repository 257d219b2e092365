using System.Net;
using System.Net.Sockets;

namespace AppProtocol.LoadTest;

/// <summary>Gives each one-shot connection to a loopback server its own loopback source address (127.0.x.y).</summary>
/// <remarks>
/// The side that closes first keeps the connection in TIME_WAIT for a minute, and a one-shot client closes first: at
/// 14,000 connections/s every ephemeral port towards the server is in TIME_WAIT, and Linux's <c>connect</c> searched
/// through them for a reusable one (<c>__inet_hash_connect</c>, about half of the tool's CPU per one-shot request in
/// <c>perf</c>). With a source address per connection, a port only has to be unique for that address, so the search
/// ends at once. The server still sees a full connect, exchange and graceful close; only the client's address differs.
/// </remarks>
internal static class SourceAddress
{
    // Linux's IP_BIND_ADDRESS_NO_PORT (SOL_IP level): bind the address now, choose the port at connect, knowing the whole 4-tuple.
    private const int IpBindAddressNoPort = 24;

    /// <summary>The source address for connection <paramref name="index"/>, or null to let the kernel choose.</summary>
    public static IPAddress? For(LoadMode mode, EndPoint server, int index) =>
        mode == LoadMode.OneShot && OperatingSystem.IsLinux() && server is IPEndPoint { AddressFamily: AddressFamily.InterNetwork } ip && IPAddress.IsLoopback(ip.Address)
            ? new IPAddress([127, 0, (byte)(index / 250), (byte)(2 + (index % 250))])
            : null;

    /// <summary>Binds <paramref name="socket"/> to <paramref name="address"/> with the port left to <c>connect</c>.</summary>
    public static void Bind(Socket socket, IPAddress address)
    {
        socket.SetRawSocketOption((int)SocketOptionLevel.IP, IpBindAddressNoPort, [1, 0, 0, 0]);
        socket.Bind(new IPEndPoint(address, 0));
    }
}
