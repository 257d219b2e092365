using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AppProtocol.Transport;

namespace AppProtocol.Hosting;

/// <summary>The certificates a client's settings name by file: its own for mutual TLS, and the CAs it trusts for the server's.</summary>
internal static class ClientTls
{
    /// <summary>Loads a certificate with its private key from a PEM or PFX file.</summary>
    /// <exception cref="InvalidOperationException">No path, or the files cannot be read as a certificate with a key.</exception>
    public static X509Certificate2 LoadCertificate(CertificateSource source)
    {
        if (string.IsNullOrEmpty(source.Path))
        {
            throw new InvalidOperationException("has no Path.");
        }

        try
        {
            string extension = Path.GetExtension(source.Path).ToLowerInvariant();
            X509Certificate2 certificate = extension is ".pfx" or ".p12"
                ? X509CertificateLoader.LoadPkcs12FromFile(source.Path, source.Password)
                : source.Password is null
                    ? X509Certificate2.CreateFromPemFile(source.Path, source.KeyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(source.Path, source.Password, source.KeyPath);
            return certificate.HasPrivateKey ? certificate : throw new InvalidOperationException($"'{source.Path}' has no private key.");
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException($"cannot be loaded from '{source.Path}': {ex.Message}", ex);
        }
    }

    /// <summary>Reads the CA certificates of a PEM file (one, or a bundle).</summary>
    /// <exception cref="InvalidOperationException">The file cannot be read, or holds no certificate.</exception>
    public static X509Certificate2Collection LoadAuthorities(string path)
    {
        try
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(path);
            return authorities.Count > 0 ? authorities : throw new InvalidOperationException($"'{path}' holds no PEM certificate.");
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"cannot be loaded from '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Accepts a server certificate that names the target host (the TLS stack's check) and chains to one of
    /// <paramref name="authorities"/>, and no other root; no revocation check.
    /// </summary>
    public static RemoteCertificateValidationCallback TrustOnly(X509Certificate2Collection authorities) => (_, certificate, presented, errors) =>
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        // A chain per check: checks run on several connections at once.
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        if (presented is not null)
        {
            foreach (X509ChainElement element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return certificate is X509Certificate2 server ? chain.Build(server) : chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    };
}
