using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using AppProtocol.Transport.Features;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace AppProtocol.AspNetCore;

/// <summary>
/// Kestrel middleware in front of AppProtocol: shows a Kestrel connection as the library's own transport shows
/// one, so handlers see the same on either host.
/// </summary>
internal static class KestrelConnectionAdapter
{
    /// <summary>Sets <see cref="IConnectionTlsFeature"/> from Kestrel's TLS features (set by <c>UseHttps</c>), and gives an IPv4 client on a dual-mode socket its IPv4 address.</summary>
    public static ConnectionDelegate Middleware(ConnectionDelegate next) => context =>
    {
        if (context.Features.Get<IConnectionTlsFeature>() is null && context.Features.Get<ITlsConnectionFeature>() is { } tls)
        {
            context.Features.Set<IConnectionTlsFeature>(new TlsFeature(tls, context.Features.Get<ITlsHandshakeFeature>()));
        }

        if (context.RemoteEndPoint is IPEndPoint { Address.IsIPv4MappedToIPv6: true } remote)
        {
            context.RemoteEndPoint = new IPEndPoint(remote.Address.MapToIPv4(), remote.Port);
        }

        return next(context);
    };

    private sealed class TlsFeature(ITlsConnectionFeature connection, ITlsHandshakeFeature? handshake) : IConnectionTlsFeature
    {
        public SslProtocols Protocol => handshake?.Protocol ?? SslProtocols.None;

        public X509Certificate2? ClientCertificate => connection.ClientCertificate;
    }
}
