using System.Net;
using Microsoft.AspNetCore.Connections;

namespace AppProtocol.Proxy;

/// <summary>Whether a connection's peer may send a PROXY header: its address in the trusted networks (loopback when none), or a local peer without an address.</summary>
internal sealed class ProxyTrust(IPNetwork[] networks)
{
    private static readonly IPNetwork[] Loopback = [IPNetwork.Parse("127.0.0.0/8"), new IPNetwork(IPAddress.IPv6Loopback, 128)];

    private readonly IPNetwork[] _networks = networks.Length == 0 ? Loopback : networks;

    public bool Trusts(ConnectionContext context) => context.RemoteEndPoint switch
    {
        IPEndPoint ip => Trusts(ip.Address),

        // An unnamed peer: local on a Unix domain socket; on anything else, unknown.
        null => context.LocalEndPoint is not (IPEndPoint or null),

        // A Unix domain socket, an in-memory connection: a local peer.
        _ => true,
    };

    private bool Trusts(IPAddress address)
    {
        IPAddress? ipv4 = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : null;
        foreach (IPNetwork network in _networks)
        {
            if (network.Contains(address) || (ipv4 is not null && network.Contains(ipv4)))
            {
                return true;
            }
        }

        return false;
    }
}
