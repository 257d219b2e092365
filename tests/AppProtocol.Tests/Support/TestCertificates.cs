using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AppProtocol.Tests.Support;

/// <summary>Self-signed certificates made in the test, for TLS and mutual TLS over loopback.</summary>
public static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> LazyServer = new(() => Create("CN=localhost", server: true));
    private static readonly Lazy<X509Certificate2> LazyClient = new(() => Create("CN=appprotocol-test-client", server: false));

    public static X509Certificate2 Server => LazyServer.Value;

    public static X509Certificate2 Client => LazyClient.Value;

    private static X509Certificate2 Create(string subject, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [server ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }

        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        // Round-trip through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
