using System.Net;
using System.Net.Sockets;

namespace AppProtocol.Transport;

/// <summary>Where a listener binds: a host and port, or a Unix domain socket path.</summary>
/// <remarks>
/// The host may be <c>""</c> (every local interface, as in the reference server: IPv6 in dual mode, so IPv4 too,
/// where the machine has IPv6, else IPv4 only), an IPv4 or IPv6 literal, or a host name, which is resolved and
/// bound on each of its addresses.
/// </remarks>
public sealed record ListenAddress
{
    private ListenAddress(string? host, int port, string? unixSocketPath)
    {
        Host = host;
        Port = port;
        UnixSocketPath = unixSocketPath;
    }

    /// <summary>The host, or <see langword="null"/> for a Unix domain socket.</summary>
    public string? Host { get; }

    /// <summary>The TCP port; 0 lets the system choose one.</summary>
    public int Port { get; }

    /// <summary>The Unix domain socket path, or <see langword="null"/> for TCP.</summary>
    public string? UnixSocketPath { get; }

    /// <summary>A TCP address.</summary>
    /// <param name="host"><c>""</c> for every interface, an IP literal, or a host name.</param>
    /// <param name="port">The port, 0 to 65535 (0: the system chooses).</param>
    /// <returns>The address.</returns>
    public static ListenAddress Tcp(string host, int port)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        return new ListenAddress(host, port, null);
    }

    /// <summary>A Unix domain socket.</summary>
    /// <param name="path">The socket file's path; the file must not exist yet.</param>
    /// <returns>The address.</returns>
    public static ListenAddress Unix(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new ListenAddress(null, 0, path);
    }

    /// <summary>The end points to bind for this address.</summary>
    /// <param name="cancellationToken">Cancels a name resolution.</param>
    /// <returns>One or more end points.</returns>
    /// <exception cref="SocketException">The host name could not be resolved.</exception>
    public async ValueTask<IReadOnlyList<EndPoint>> ResolveAsync(CancellationToken cancellationToken = default)
    {
        if (UnixSocketPath is not null)
        {
            return [new UnixDomainSocketEndPoint(UnixSocketPath)];
        }

        if (Host!.Length == 0)
        {
            return [new IPEndPoint(Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any, Port)];
        }

        if (IPAddress.TryParse(Host.Trim('[', ']'), out IPAddress? literal))
        {
            return [new IPEndPoint(literal, Port)];
        }

        IPAddress[] addresses = await Dns.GetHostAddressesAsync(Host, cancellationToken).ConfigureAwait(false);
        return addresses.Distinct().Select(a => (EndPoint)new IPEndPoint(a, Port)).ToArray();
    }

    /// <inheritdoc/>
    public override string ToString() => UnixSocketPath ?? $"('{Host}', {Port})";
}
