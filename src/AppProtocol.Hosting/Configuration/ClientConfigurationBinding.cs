using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AppProtocol.Hosting.Configuration;

/// <summary>
/// Binds one named client's <see cref="FrameClientSettings"/> from its configuration section, through the settings'
/// own validating setters, and fails with every mistake at once, each named by its configuration key.
/// </summary>
internal sealed class ClientConfigurationBinding(string name, IConfiguration configuration) : IConfigureNamedOptions<FrameClientSettings>
{
    private readonly string _prefix = configuration is IConfigurationSection section ? section.Path + ":" : "";

    public void Configure(FrameClientSettings options) => Configure(Options.DefaultName, options);

    public void Configure(string? name1, FrameClientSettings options)
    {
        if (name1 != name)
        {
            return;
        }

        var errors = new SettingErrors(_prefix);
        errors.Messages.AddRange(KnownKeys.UnknownClientKeys(configuration));
        ClientSection? settings;
        try
        {
            settings = configuration.Get<ClientSection>();
        }
        catch (InvalidOperationException ex)
        {
            // A value of the wrong type: the binder's message names its key.
            throw Invalid([.. errors.Messages, ex.Message]);
        }

        if (settings is not null)
        {
            Apply(settings, options, errors);
        }

        if (errors.Messages.Count > 0)
        {
            throw Invalid(errors.Messages);
        }
    }

    private static void Apply(ClientSection settings, FrameClientSettings options, SettingErrors errors)
    {
        options.Host = settings.Host ?? options.Host;
        options.UnixSocketPath = settings.UnixSocketPath ?? options.UnixSocketPath;
        options.UseTls = settings.UseTls ?? options.UseTls;
        options.TargetHost = settings.TargetHost ?? options.TargetHost;
        options.ClientCertificate = settings.ClientCertificate ?? options.ClientCertificate;
        options.CaCertificatePath = settings.CaCertificatePath ?? options.CaCertificatePath;
        options.RequestsAreIdempotent = settings.RequestsAreIdempotent ?? options.RequestsAreIdempotent;
        errors.Set("Port", settings.Port, v => options.Port = v);
        errors.Set("ConnectTimeout", settings.ConnectTimeout, v => options.ConnectTimeout = v);
        errors.Set("RequestTimeout", settings.RequestTimeout, v => options.RequestTimeout = v);
        settings.Limits?.ApplyTo(errors, () => options.Limits, v => options.Limits = v);
    }

    private OptionsValidationException Invalid(IEnumerable<string> messages) =>
        new(name, typeof(FrameClientSettings), messages);
}
