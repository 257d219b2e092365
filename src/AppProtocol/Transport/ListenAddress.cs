using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace AppProtocol.Transport;

/// <summary>Where a listener binds: a host and port, or a Unix domain socket path; with TLS settings of its own or none.</summary>
/// <remarks>
/// The host may be <c>""</c> (every local interface, as in the reference server: IPv6 in dual mode, so IPv4 too,
/// where the machine has IPv6, else IPv4 only), an IPv4 or IPv6 literal, or a host name, which is resolved and
/// bound on each of its addresses. Binds from configuration (<c>Host</c>, <c>Port</c>, <c>UnixSocketPath</c>,
/// <c>Certificate</c>); setters validate their value.
/// </remarks>
public sealed class ListenAddress
{
    /// <summary>The host, or <see langword="null"/> for a Unix domain socket.</summary>
    public string? Host { get; set; }

    /// <summary>The TCP port, 0 to 65535; 0 lets the system choose one.</summary>
    public int Port
    {
        get;
        set => field = value is >= 0 and <= IPEndPoint.MaxPort ? value : throw new ArgumentOutOfRangeException(nameof(Port), value, $"Port must be 0 to {IPEndPoint.MaxPort}.");
    }

    /// <summary>The Unix domain socket path, or <see langword="null"/> for TCP.</summary>
    public string? UnixSocketPath { get; set; }

    /// <summary>TLS settings for connections to this address, or <see langword="null"/> (then <see cref="Certificate"/>, if set, turns TLS on).</summary>
    /// <remarks>Set <see cref="SslServerAuthenticationOptions.ServerCertificate"/> (or its context or selection callback); for mutual TLS also
    /// <see cref="SslServerAuthenticationOptions.ClientCertificateRequired"/> and a validation callback.</remarks>
    public SslServerAuthenticationOptions? Tls { get; set; }

    /// <summary>A server certificate loaded from files, as configuration gives it; used when <see cref="Tls"/> is not set.</summary>
    public CertificateSource? Certificate { get; set; }

    /// <summary>A TCP address.</summary>
    /// <param name="host"><c>""</c> for every interface, an IP literal, or a host name.</param>
    /// <param name="port">The port, 0 to 65535 (0: the system chooses).</param>
    /// <returns>The address.</returns>
    public static ListenAddress Tcp(string host, int port)
    {
        ArgumentNullException.ThrowIfNull(host);
        return new ListenAddress { Host = host, Port = port };
    }

    /// <summary>A Unix domain socket.</summary>
    /// <param name="path">The socket file's path; the file must not exist yet.</param>
    /// <returns>The address.</returns>
    public static ListenAddress Unix(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new ListenAddress { UnixSocketPath = path };
    }

    /// <summary>This address with TLS.</summary>
    /// <param name="tls">The TLS settings.</param>
    /// <returns>This address.</returns>
    public ListenAddress WithTls(SslServerAuthenticationOptions tls)
    {
        Tls = tls ?? throw new ArgumentNullException(nameof(tls));
        return this;
    }

    /// <summary>The end points to bind for this address.</summary>
    /// <param name="cancellationToken">Cancels a name resolution.</param>
    /// <returns>One or more end points.</returns>
    /// <exception cref="SocketException">The host name could not be resolved.</exception>
    /// <exception cref="InvalidOperationException">Neither or both of a host and a Unix socket path are set.</exception>
    public async ValueTask<IReadOnlyList<EndPoint>> ResolveAsync(CancellationToken cancellationToken = default)
    {
        Validate();
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

    /// <summary>The TLS settings to use: <see cref="Tls"/>, or settings made from <see cref="Certificate"/>, or none.</summary>
    /// <returns>The settings, or <see langword="null"/> for plaintext.</returns>
    /// <exception cref="InvalidOperationException">TLS settings without a certificate, or a certificate that cannot be loaded.</exception>
    public SslServerAuthenticationOptions? ResolveTls()
    {
        if (Tls is { } tls)
        {
            if (tls.ServerCertificate is null && tls.ServerCertificateContext is null && tls.ServerCertificateSelectionCallback is null)
            {
                throw new InvalidOperationException($"The TLS settings of listen address {this} have no server certificate: set ServerCertificate, ServerCertificateContext or ServerCertificateSelectionCallback.");
            }

            return tls;
        }

        return Certificate is { } source ? new SslServerAuthenticationOptions { ServerCertificate = source.Load(this) } : null;
    }

    /// <inheritdoc/>
    public override string ToString() => UnixSocketPath ?? $"('{Host}', {Port})";

    private void Validate()
    {
        if ((Host is null) == (UnixSocketPath is null))
        {
            throw new InvalidOperationException($"A listen address needs either Host (and Port) or UnixSocketPath: {(Host is null ? "neither is" : "both are")} set.");
        }
    }
}
