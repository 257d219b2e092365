using AppProtocol.Server;
using AppProtocol.Transport;
using Microsoft.Extensions.Options;

namespace AppProtocol.Hosting;

/// <summary>
/// Checks at start what the options' setters cannot: a handler, somewhere to listen, each listen address's shape and
/// certificate (loaded once here, so that a wrong path or password fails the start with the key that names it).
/// </summary>
internal sealed class FrameServerOptionsValidator(AppProtocolServerRegistration registration) : IValidateOptions<FrameServerOptions>
{
    public ValidateOptionsResult Validate(string? name, FrameServerOptions options)
    {
        if (name != Options.DefaultName)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        if (registration.HandlerFactory is null)
        {
            failures.Add("No handler: call MapHandler<THandler>() or Run(...) on the builder that AddAppProtocolServer returns.");
        }

        if (options.Listen.Count == 0 && registration.Transports.Count == 0)
        {
            failures.Add("No listen address: configure Listen:0:Host and Listen:0:Port (or Listen:0:UnixSocketPath), or add one to FrameServerOptions.Listen.");
        }

        for (int i = 0; i < options.Listen.Count; i++)
        {
            if (Problem(options.Listen[i]) is ({ } setting, { } problem))
            {
                failures.Add($"{registration.NameOf(options.Listen[i], i)}{setting}: {problem}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>What is wrong with an address: the setting (after the address's own name) and why; nulls when nothing is.</summary>
    private static (string? Setting, string? Problem) Problem(ListenAddress address)
    {
        if ((address.Host is null) == (address.UnixSocketPath is null))
        {
            return ("", $"set either Host (with Port) or UnixSocketPath: {(address.Host is null ? "neither is" : "both are")} set.");
        }

        try
        {
            // Loads a certificate from files, to fail now rather than when the server binds; the server loads its own.
            if (address.ResolveTls() is { } tls && address.Tls is null)
            {
                tls.ServerCertificate?.Dispose();
            }

            return (null, null);
        }
        catch (InvalidOperationException ex)
        {
            return (address.Tls is null ? ":Certificate" : ":Tls", ex.Message);
        }
    }
}
