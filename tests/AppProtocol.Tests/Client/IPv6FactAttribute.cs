using System.Net;
using System.Net.Sockets;

namespace AppProtocol.Tests.Client;

/// <summary>A fact that is skipped, with the reason, on a machine without IPv6 loopback.</summary>
public sealed class IPv6FactAttribute : FactAttribute
{
    private static readonly Lazy<bool> Available = new(() =>
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    });

    public IPv6FactAttribute()
    {
        if (!Available.Value)
        {
            Skip = "This machine has no IPv6 loopback (::1).";
        }
    }
}
