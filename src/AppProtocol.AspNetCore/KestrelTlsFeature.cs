using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using AppProtocol.Transport.Features;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace AppProtocol.AspNetCore;

/// <summary>Kestrel's TLS features (set by <c>UseHttps</c>) seen as AppProtocol's <see cref="IConnectionTlsFeature"/>.</summary>
internal sealed class KestrelTlsFeature(ITlsConnectionFeature connection, ITlsHandshakeFeature? handshake) : IConnectionTlsFeature
{
    public SslProtocols Protocol => handshake?.Protocol ?? SslProtocols.None;

    public X509Certificate2? ClientCertificate => connection.ClientCertificate;

    /// <summary>Connection middleware: sets the feature on connections that came through Kestrel's TLS.</summary>
    public static ConnectionDelegate Middleware(ConnectionDelegate next) => context =>
    {
        if (context.Features.Get<IConnectionTlsFeature>() is null && context.Features.Get<ITlsConnectionFeature>() is { } tls)
        {
            context.Features.Set<IConnectionTlsFeature>(new KestrelTlsFeature(tls, context.Features.Get<ITlsHandshakeFeature>()));
        }

        return next(context);
    };
}
