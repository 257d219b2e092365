using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AppProtocol.Tests.Support;

/// <summary>Certificates made in the test, for TLS and mutual TLS over loopback: self-signed ones, and a CA with certificates it signed.</summary>
public static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> LazyServer = new(() => CreateSelfSigned("CN=localhost", server: true));
    private static readonly Lazy<X509Certificate2> LazyClient = new(() => CreateSelfSigned("CN=appprotocol-test-client", server: false));

    public static X509Certificate2 Server => LazyServer.Value;

    public static X509Certificate2 Client => LazyClient.Value;

    /// <summary>A new self-signed certificate with its key: for a server (localhost, 127.0.0.1) or a client.</summary>
    public static X509Certificate2 CreateSelfSigned(string subject, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using X509Certificate2 certificate = Request(subject, key, server).CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return Usable(certificate);
    }

    /// <summary>A new CA certificate with its key, which may sign certificates (<see cref="Issue"/>).</summary>
    public static X509Certificate2 CreateAuthority(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddDays(2));
        return Usable(certificate);
    }

    /// <summary>A new certificate with its key, signed by <paramref name="authority"/>: for a server (localhost, 127.0.0.1) or a client.</summary>
    public static X509Certificate2 Issue(X509Certificate2 authority, string subject, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CertificateRequest request = Request(subject, key, server);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using X509Certificate2 signed = request.Create(authority, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), serial);
        using X509Certificate2 certificate = signed.CopyWithPrivateKey(key);
        return Usable(certificate);
    }

    private static CertificateRequest Request(string subject, ECDsa key, bool server)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [server ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        return request;
    }

    // Round-trip through PKCS#12 so the private key is usable by SslStream on every platform, and exportable to files.
    private static X509Certificate2 Usable(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null, X509KeyStorageFlags.Exportable);
}
