using Microsoft.Extensions.Options;

namespace AppProtocol.Hosting;

/// <summary>
/// Checks at start what the settings' setters cannot: a server named, TLS settings that go together, certificate
/// files that load (so that a wrong path fails the start with the key that names it, not the first call).
/// </summary>
internal sealed class FrameClientSettingsValidator(ClientRegistry registry) : IValidateOptions<FrameClientSettings>
{
    public ValidateOptionsResult Validate(string? name, FrameClientSettings options)
    {
        if (name is null || registry.Find(name) is not { } client)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        if ((options.Host is null) == (options.UnixSocketPath is null))
        {
            failures.Add($"{client.NameOf("Host")}: set either Host (with Port) or UnixSocketPath: {(options.Host is null ? "neither is" : "both are")} set.");
        }
        else if (options.Host is not null && options.Port == 0)
        {
            failures.Add($"{client.NameOf("Port")} is required with Host.");
        }

        bool tls = options.UseTls || options.SslOptions is not null;
        if (!tls && (options.ClientCertificate is not null || options.CaCertificatePath is not null))
        {
            failures.Add($"{client.NameOf(options.ClientCertificate is not null ? "ClientCertificate" : "CaCertificatePath")} is set but UseTls is not: set {client.NameOf("UseTls")} to true.");
        }

        if (options.ClientCertificate is { } certificate)
        {
            Check(failures, client.NameOf("ClientCertificate"), () => ClientTls.LoadCertificate(certificate).Dispose());
        }

        if (options.CaCertificatePath is { } authorities)
        {
            Check(failures, client.NameOf("CaCertificatePath"), () => ClientTls.LoadAuthorities(authorities));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // Loads a file now; the factory loads its own when it creates the client.
    private static void Check(List<string> failures, string key, Action load)
    {
        try
        {
            load();
        }
        catch (InvalidOperationException ex)
        {
            failures.Add($"{key} {ex.Message}");
        }
    }
}
