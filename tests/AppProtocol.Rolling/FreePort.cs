using System.Globalization;
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

    /// <summary>
    /// A free port below the kernel's ephemeral range, for a backend that is restarted: while it is down, an outgoing
    /// connection (the balancer's, a caller's) could otherwise take its port as a source port, and the restarted
    /// backend could not bind it again ("address already in use").
    /// </summary>
    public static int ForRestarts()
    {
        int ephemeralStart = EphemeralStart();
        if (ephemeralStart <= 10_000)
        {
            return Next();
        }

        for (int attempt = 0; attempt < 1000; attempt++)
        {
            int port = Random.Shared.Next(10_000, ephemeralStart);
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }

        return Next();
    }

    private static int EphemeralStart()
    {
        const string Range = "/proc/sys/net/ipv4/ip_local_port_range";
        if (!File.Exists(Range))
        {
            return 0;
        }

        string first = File.ReadAllText(Range).Split(default(char[]), StringSplitOptions.RemoveEmptyEntries)[0];
        return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out int start) ? start : 0;
    }
}
