using System.Net;
using System.Net.Sockets;

namespace AppProtocol.Rolling;

/// <summary>A loopback port nobody listens on: the balancers' configuration files need fixed ports, and a restarted backend keeps its own.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
