using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AppProtocol.Transport;

/// <summary>A certificate with its private key, in files: a PEM certificate and key, or a PFX (PKCS #12) file with its password, as Kestrel's endpoint configuration takes them.</summary>
public sealed class CertificateSource
{
    /// <summary>The certificate file: <c>.pem</c>/<c>.crt</c> (with <see cref="KeyPath"/>, or the key in the same file) or <c>.pfx</c>/<c>.p12</c>.</summary>
    public string? Path { get; set; }

    /// <summary>The PEM private key file, when it is not in <see cref="Path"/>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The PFX file's password, or the PEM key's, if it is encrypted.</summary>
    public string? Password { get; set; }

    /// <summary>Loads the certificate.</summary>
    /// <param name="owner">The listen address, for the error message.</param>
    /// <returns>The certificate with its private key.</returns>
    /// <exception cref="InvalidOperationException">No path, or the files cannot be read as a certificate with a key.</exception>
    internal X509Certificate2 Load(ListenAddress owner)
    {
        if (string.IsNullOrEmpty(Path))
        {
            throw new InvalidOperationException($"The certificate of listen address {owner} has no Path.");
        }

        try
        {
            string extension = System.IO.Path.GetExtension(Path).ToLowerInvariant();
            X509Certificate2 certificate = extension is ".pfx" or ".p12"
                ? X509CertificateLoader.LoadPkcs12FromFile(Path, Password)
                : Password is null
                    ? X509Certificate2.CreateFromPemFile(Path, KeyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(Path, Password, KeyPath);
            return certificate.HasPrivateKey ? certificate : throw new InvalidOperationException($"The certificate '{Path}' of listen address {owner} has no private key.");
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Cannot load the certificate '{Path}' of listen address {owner}: {ex.Message}", ex);
        }
    }
}
