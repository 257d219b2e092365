using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KestrelAppServer;

/// <summary>Kestrel endpoints for what <see cref="Arguments.ResolveAsync"/> gave.</summary>
internal static class Listen
{
    public static void On(KestrelServerOptions kestrel, IPAddress[]? addresses, int port, Action<ListenOptions> configure)
    {
        if (addresses is null)
        {
            // Every interface: IPv6 dual mode, or IPv4 where IPv6 is off.
            kestrel.ListenAnyIP(port, configure);
            return;
        }

        foreach (IPAddress address in addresses)
        {
            kestrel.Listen(address, port, configure);
        }
    }
}
