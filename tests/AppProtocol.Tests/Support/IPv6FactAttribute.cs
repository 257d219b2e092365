using System.Net;
using System.Net.Sockets;

namespace AppProtocol.Tests.Support;

/// <summary>A fact that is skipped, with the reason shown, where the machine cannot bind the IPv6 loopback.</summary>
public sealed class IPv6FactAttribute : FactAttribute
{
    private static readonly Lazy<bool> HasIPv6Loopback = new(() =>
    {
        if (!Socket.OSSupportsIPv6)
        {
            return false;
        }

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
        if (!HasIPv6Loopback.Value)
        {
            Skip = "This machine has no IPv6 loopback (::1).";
        }
    }
}
