namespace AppProtocol.Samples;

/// <summary>The sample servers' TLS options: <c>--tls-cert PATH</c> (a PEM certificate or a PFX file), <c>--tls-key PATH</c> (the PEM certificate's key) and <c>--client-ca PATH</c> (mutual TLS).</summary>
/// <param name="CertificatePath">The server certificate: <c>.pfx</c>/<c>.p12</c> is PKCS #12 without a password, anything else PEM.</param>
/// <param name="KeyPath">The PEM private key, or <see langword="null"/> when it is in the certificate's file.</param>
/// <param name="ClientCaPath">The PEM CA certificate client certificates must chain to, or <see langword="null"/> for no client certificate.</param>
public sealed record TlsArguments(string CertificatePath, string? KeyPath, string? ClientCaPath)
{
    private const string Certificate = "--tls-cert";
    private const string Key = "--tls-key";
    private const string ClientCa = "--client-ca";

    /// <summary>Takes the TLS options out of a command line, wherever they are; on a wrong one, prints why to standard error.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="rest">The command line without the TLS options, for the program's own parsing.</param>
    /// <param name="tls">The TLS options, or <see langword="null"/> when there are none (plaintext).</param>
    /// <returns><see langword="false"/> when an option lacks its path, is given twice, or <c>--tls-key</c> or <c>--client-ca</c> comes without <c>--tls-cert</c>.</returns>
    public static bool TryExtract(string[] args, out string[] rest, out TlsArguments? tls)
    {
        ArgumentNullException.ThrowIfNull(args);
        rest = [];
        tls = null;
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        var others = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string option = args[i];
            if (option is not (Certificate or Key or ClientCa))
            {
                others.Add(option);
                continue;
            }

            if (i + 1 >= args.Length || args[i + 1].Length == 0 || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                return Fail($"{option} needs a file path.");
            }

            if (!paths.TryAdd(option, args[++i]))
            {
                return Fail($"{option} is given twice.");
            }
        }

        rest = [.. others];
        if (!paths.TryGetValue(Certificate, out string? certificate))
        {
            return paths.Count == 0 || Fail($"{paths.Keys.First()} needs {Certificate}.");
        }

        tls = new TlsArguments(certificate, paths.GetValueOrDefault(Key), paths.GetValueOrDefault(ClientCa));
        return true;
    }

    private static bool Fail(string message)
    {
        Console.Error.WriteLine(message);
        return false;
    }
}
