using System.Diagnostics.CodeAnalysis;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AppProtocol.Samples;

/// <summary>What the TLS options name, loaded: the server's certificate with its key and, for mutual TLS, the client certificates' CA.</summary>
public sealed class ServerTls
{
    private ServerTls(X509Certificate2 certificate, ClientCertificateValidator? clientCertificates)
    {
        Certificate = certificate;
        ClientCertificates = clientCertificates;
    }

    /// <summary>The server's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Checks the client certificate, which is then required; <see langword="null"/> when no client certificate is asked for.</summary>
    public ClientCertificateValidator? ClientCertificates { get; }

    /// <summary>Loads the files; when one cannot be loaded, prints why on one line to standard error.</summary>
    /// <param name="arguments">The TLS options.</param>
    /// <param name="tls">The loaded certificates.</param>
    /// <returns>Whether every file was loaded.</returns>
    public static bool TryLoad(TlsArguments arguments, [NotNullWhen(true)] out ServerTls? tls)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        tls = null;
        X509Certificate2 certificate;
        try
        {
            certificate = LoadCertificate(arguments.CertificatePath, arguments.KeyPath);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            string hint = ex is CryptographicException && arguments.KeyPath is null && !IsPkcs12(arguments.CertificatePath)
                ? " (if the key is in a file of its own, give it with --tls-key)"
                : "";
            return Fail($"Cannot load the certificate '{arguments.CertificatePath}': {OneLine(ex.Message)}{hint}");
        }

        ClientCertificateValidator? clientCertificates = null;
        if (arguments.ClientCaPath is { } clientCa)
        {
            try
            {
                clientCertificates = ClientCertificateValidator.FromPemFile(clientCa);
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
            {
                certificate.Dispose();
                return Fail($"Cannot load the client CA '{clientCa}': {OneLine(ex.Message)}");
            }
        }

        tls = new ServerTls(certificate, clientCertificates);
        return true;
    }

    /// <summary>The settings for an <see cref="SslStream"/> server: this certificate and, for mutual TLS, a required client certificate that <see cref="ClientCertificates"/> accepts.</summary>
    /// <returns>New settings.</returns>
    public SslServerAuthenticationOptions ToSslServerAuthenticationOptions() => new()
    {
        ServerCertificate = Certificate,
        ClientCertificateRequired = ClientCertificates is not null,
        RemoteCertificateValidationCallback = ClientCertificates is { } validator
            ? (_, certificate, chain, _) => validator.Validate(certificate, chain)
            : null,
    };

    private static X509Certificate2 LoadCertificate(string path, string? keyPath)
    {
        if (IsPkcs12(path))
        {
            if (keyPath is not null)
            {
                throw new CryptographicException("A PFX file holds its own key; --tls-key is for a PEM certificate.");
            }

            return WithPrivateKey(X509CertificateLoader.LoadPkcs12FromFile(path, null));
        }

        // Through PKCS #12: a key read from PEM is ephemeral, which Windows' TLS cannot use.
        using X509Certificate2 pem = WithPrivateKey(X509Certificate2.CreateFromPemFile(path, keyPath));
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private static X509Certificate2 WithPrivateKey(X509Certificate2 certificate)
    {
        if (certificate.HasPrivateKey)
        {
            return certificate;
        }

        certificate.Dispose();
        throw new CryptographicException("The file holds no private key.");
    }

    private static bool IsPkcs12(string path) => Path.GetExtension(path).ToUpperInvariant() is ".PFX" or ".P12";

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    private static bool Fail(string message)
    {
        Console.Error.WriteLine(message);
        return false;
    }
}
