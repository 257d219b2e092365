using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AppProtocol.Client;

namespace AppProtocol.Samples.AppClient;

/// <summary>
/// app-client's command line: the reference's four arguments, then options the reference does not have:
/// <c>--tls</c> (TLS, the server's certificate checked against the system's roots and the host name),
/// <c>--tls-ca PATH</c> (TLS, trusting only the PEM CA in PATH), <c>--tls-cert PATH [--tls-key PATH]</c> (mutual TLS:
/// present this certificate) and <c>--unix PATH</c> (connect to a Unix domain socket; host and port are only printed).
/// </summary>
internal sealed record ClientArguments(string Host, int Port, string Action, string Value, bool Tls, string? CaPath, string? CertificatePath, string? KeyPath, string? UnixPath)
{
    public const string Usage = "Usage: app-client <host> <port> <action> <value>";

    public const string OptionsUsage = "Options: --tls, --tls-ca PATH, --tls-cert PATH [--tls-key PATH], --unix PATH";

    /// <summary>Reads the command line; <see langword="null"/> with the reason when it is wrong (empty for the usage alone).</summary>
    public static ClientArguments? Parse(string[] args, out string? error)
    {
        error = "";
        if (args.Length < 4 || args[..4].Any(static a => a.StartsWith("--", StringComparison.Ordinal)))
        {
            return null;
        }

        if (!int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            error = $"Error: invalid port '{args[1]}'.";
            return null;
        }

        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (int i = 4; i < args.Length; i++)
        {
            string name = args[i];
            bool takesPath = name is "--tls-ca" or "--tls-cert" or "--tls-key" or "--unix";
            if (!takesPath && name != "--tls")
            {
                return null;
            }

            if (options.ContainsKey(name))
            {
                error = $"{name} is given twice.";
                return null;
            }

            string? path = null;
            if (takesPath && (++i >= args.Length || args[i].StartsWith("--", StringComparison.Ordinal)))
            {
                error = $"{name} needs a file path.";
                return null;
            }

            path = takesPath ? args[i] : null;
            options[name] = path;
        }

        if (options.ContainsKey("--tls-key") && !options.ContainsKey("--tls-cert"))
        {
            error = "--tls-key needs --tls-cert.";
            return null;
        }

        bool tls = options.ContainsKey("--tls") || options.ContainsKey("--tls-ca") || options.ContainsKey("--tls-cert");
        return new ClientArguments(args[0], port, args[2], args[3], tls, Get("--tls-ca"), Get("--tls-cert"), Get("--tls-key"), Get("--unix"));

        string? Get(string name) => options.GetValueOrDefault(name);
    }

    /// <summary>The client's options; loads the certificate files (<see cref="CryptographicException"/> or <see cref="IOException"/> when they do not load).</summary>
    public FrameClientOptions ToOptions() => new()
    {
        Host = UnixPath is null ? Host : null,
        Port = Port,
        UnixSocketPath = UnixPath,
        UseTls = Tls,
        TargetHost = Tls ? Host : null,
        SslOptions = Tls ? TlsOptions() : null,
    };

    private SslClientAuthenticationOptions TlsOptions()
    {
        var tls = new SslClientAuthenticationOptions { TargetHost = Host };
        if (CaPath is not null)
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(CaPath);
            if (authorities.Count == 0)
            {
                throw new CryptographicException($"'{CaPath}' holds no PEM certificate.");
            }

            // Only that CA: the host name is still checked.
            tls.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            tls.CertificateChainPolicy.CustomTrustStore.AddRange(authorities);
        }

        if (CertificatePath is not null)
        {
            tls.ClientCertificates = [X509Certificate2.CreateFromPemFile(CertificatePath, KeyPath)];
        }

        return tls;
    }
}
