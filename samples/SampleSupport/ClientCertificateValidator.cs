using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AppProtocol.Samples;

/// <summary>Mutual TLS: accepts a client certificate only if it chains to one of the given CAs (and no other root), is valid now and may authenticate a client; no revocation check.</summary>
public sealed class ClientCertificateValidator
{
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    private readonly X509ChainPolicy _policy;

    /// <summary>Creates a validator.</summary>
    /// <param name="authorities">The CA certificates to trust, and only them.</param>
    public ClientCertificateValidator(X509Certificate2Collection authorities)
    {
        ArgumentNullException.ThrowIfNull(authorities);
        if (authorities.Count == 0)
        {
            throw new ArgumentException("No CA certificate.", nameof(authorities));
        }

        _policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        _policy.CustomTrustStore.AddRange(authorities);
        _policy.ApplicationPolicy.Add(new Oid(ClientAuthentication));
    }

    /// <summary>Reads the CA certificates of a PEM file (one, or a bundle).</summary>
    /// <param name="path">The file.</param>
    /// <returns>The validator.</returns>
    /// <exception cref="CryptographicException">The file holds no PEM certificate, or a malformed one.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ClientCertificateValidator FromPemFile(string path)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(path);
        return authorities.Count > 0 ? new ClientCertificateValidator(authorities) : throw new CryptographicException("The file holds no PEM certificate.");
    }

    /// <summary>Whether a client's certificate is accepted; the TLS stack's own verdict, made against the system's roots, is ignored.</summary>
    /// <param name="certificate">The client's certificate, or <see langword="null"/> when it sent none (refused).</param>
    /// <param name="presented">The chain the TLS stack built, whose certificates may stand in for intermediates the client sent; or <see langword="null"/>.</param>
    /// <returns>Whether the certificate chains to one of the CAs.</returns>
    public bool Validate(X509Certificate? certificate, X509Chain? presented)
    {
        if (certificate is not X509Certificate2 client)
        {
            return false;
        }

        // A copy per check: checks run on several connections at once.
        using var chain = new X509Chain { ChainPolicy = _policy.Clone() };
        if (presented is not null)
        {
            foreach (X509ChainElement element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(client);
    }
}
