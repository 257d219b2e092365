using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AppProtocol.Tests.Client;

/// <summary>A self-signed server certificate for "localhost", made in memory.</summary>
internal static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> LocalhostCertificate = new(Create);

    public static X509Certificate2 Localhost => LocalhostCertificate.Value;

    private static X509Certificate2 Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(1));

        // A PFX round trip gives a certificate whose private key SslStream can use on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
