using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace AppProtocol.Transport.Features;

/// <summary>What a connection's TLS handshake settled: set by whatever terminated TLS (the server's own TLS or Kestrel's <c>UseHttps</c>).</summary>
public interface IConnectionTlsFeature
{
    /// <summary>The negotiated protocol version.</summary>
    SslProtocols Protocol { get; }

    /// <summary>The client's certificate under mutual TLS, or <see langword="null"/> when it sent none.</summary>
    X509Certificate2? ClientCertificate { get; }
}
