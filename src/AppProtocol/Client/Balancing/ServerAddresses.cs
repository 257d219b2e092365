using System.Net;
using System.Net.Sockets;

namespace AppProtocol.Client.Balancing;

/// <summary>
/// The servers of <see cref="FrameClientOptions.Servers"/>, one per address: an IP literal is one server, a host name
/// one server per address it resolves to (resolved once, at the first call), so that a name with several addresses
/// spreads the calls over all of them. TLS still checks the certificate against the name.
/// </summary>
internal static class ServerAddresses
{
    public static async Task<BalancedServer[]> ResolveAsync(FrameClientOptions options, CancellationToken cancellationToken)
    {
        var servers = new List<BalancedServer>();
        foreach (DnsEndPoint entry in options.Servers!)
        {
            foreach (IPAddress address in await AddressesAsync(entry.Host, cancellationToken).ConfigureAwait(false))
            {
                var server = new DnsEndPoint(address.ToString(), entry.Port);
                string? targetHost = options.TargetHost ?? (IPAddress.TryParse(entry.Host, out _) ? null : entry.Host);
                servers.Add(new BalancedServer(new FrameClient(options.ForServer(server, targetHost)), servers.Count));
            }
        }

        return [.. servers];
    }

    private static async Task<IPAddress[]> AddressesAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out IPAddress? literal))
        {
            return [literal];
        }

        try
        {
            IPAddress[] addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            return addresses.Length > 0 ? addresses : throw NotResolved(host, null);
        }
        catch (SocketException ex)
        {
            throw NotResolved(host, ex);
        }
    }

    private static FrameClientException NotResolved(string host, Exception? inner) =>
        new($"Could not resolve the server name '{host}' (FrameClientOptions.Servers).", inner) { RequestNotProcessed = true };
}
