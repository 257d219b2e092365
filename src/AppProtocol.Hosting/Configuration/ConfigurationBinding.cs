using AppProtocol.Server;
using AppProtocol.Transport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AppProtocol.Hosting.Configuration;

/// <summary>
/// Binds <see cref="FrameServerOptions"/> from a configuration section, through the options' own validating setters,
/// and fails with every mistake at once, each named by its configuration key.
/// </summary>
/// <remarks>An unknown key is a mistake too (<see cref="KnownKeys"/>).</remarks>
internal sealed class ConfigurationBinding(IConfiguration configuration, AppProtocolServerRegistration registration) : IConfigureOptions<FrameServerOptions>
{
    private readonly string _prefix = configuration is IConfigurationSection section ? section.Path + ":" : "";

    public void Configure(FrameServerOptions options)
    {
        var errors = new SettingErrors(_prefix);
        errors.Messages.AddRange(KnownKeys.Unknown(configuration));
        ServerSection? settings;
        try
        {
            settings = configuration.Get<ServerSection>();
        }
        catch (InvalidOperationException ex)
        {
            // A value of the wrong type: the binder's message names its key.
            throw Invalid([.. errors.Messages, ex.Message]);
        }

        if (settings is not null)
        {
            Apply(settings, options, errors);
            AddListenAddresses(settings.Listen, options, errors);
        }

        if (errors.Messages.Count > 0)
        {
            throw Invalid(errors.Messages);
        }
    }

    private void AddListenAddresses(List<ListenSection> listen, FrameServerOptions options, SettingErrors errors)
    {
        // The entries' own keys ("0", "1", or names), in the order the binder read them.
        string[] keys = [.. configuration.GetSection("Listen").GetChildren().Select(c => c.Key)];
        for (int i = 0; i < listen.Count; i++)
        {
            string key = $"Listen:{(keys.Length == listen.Count ? keys[i] : i)}";
            if (Address(listen[i], key, errors) is { } address)
            {
                options.Listen.Add(address);
                lock (registration.ConfiguredAddresses)
                {
                    registration.ConfiguredAddresses[address] = _prefix + key;
                }
            }
        }
    }

    private static void Apply(ServerSection settings, FrameServerOptions options, SettingErrors errors)
    {
        errors.Set("IdleTimeout", settings.IdleTimeout, v => options.IdleTimeout = v);
        errors.Set("FrameTimeout", settings.FrameTimeout, v => options.FrameTimeout = v);
        errors.Set("ShutdownTimeout", settings.ShutdownTimeout, v => options.ShutdownTimeout = v);
        errors.Set("TlsHandshakeTimeout", settings.TlsHandshakeTimeout, v => options.TlsHandshakeTimeout = v);
        errors.Set("MaxConcurrentConnections", settings.MaxConcurrentConnections, v => options.MaxConcurrentConnections = v);
        errors.Set("Backlog", settings.Backlog, v => options.Backlog = v);
        errors.Set("RequestStreamingThreshold", settings.RequestStreamingThreshold, v => options.RequestStreamingThreshold = v);
        errors.Set("MaxStreamedContentLength", settings.MaxStreamedContentLength, v => options.MaxStreamedContentLength = v);
        options.CloseAfterResponse = settings.CloseAfterResponse ?? options.CloseAfterResponse;
        options.TrimMemoryAfterSurge = settings.TrimMemoryAfterSurge ?? options.TrimMemoryAfterSurge;
        settings.Limits?.ApplyTo(errors, () => options.Limits, v => options.Limits = v);

        if (settings.MinResponseDataRate is { BytesPerSecond: var rate, GracePeriod: var grace } && (rate is not null || grace is not null))
        {
            DataRate current = options.MinResponseDataRate ?? new DataRate(240, TimeSpan.FromSeconds(5));
            errors.Try("MinResponseDataRate", () => options.MinResponseDataRate = new DataRate(rate ?? current.BytesPerSecond, grace ?? current.GracePeriod));
        }

        if (settings.MinRequestDataRate is { BytesPerSecond: var requestRate, GracePeriod: var requestGrace } && (requestRate is not null || requestGrace is not null))
        {
            DataRate current = options.MinRequestDataRate ?? new DataRate(240, TimeSpan.FromSeconds(5));
            errors.Try("MinRequestDataRate", () => options.MinRequestDataRate = new DataRate(requestRate ?? current.BytesPerSecond, requestGrace ?? current.GracePeriod));
        }
    }

    private static ListenAddress? Address(ListenSection settings, string key, SettingErrors errors)
    {
        if ((settings.Host is null) == (settings.UnixSocketPath is null))
        {
            errors.Add(key, $"set either Host (with Port) or UnixSocketPath: {(settings.Host is null ? "neither is" : "both are")} set.");
            return null;
        }

        var address = new ListenAddress { Host = settings.Host, UnixSocketPath = settings.UnixSocketPath, Certificate = settings.Certificate };
        if (settings.Host is not null && settings.Port is null)
        {
            errors.Add($"{key}:Port", "is required with Host (0 lets the system choose a port).");
        }

        errors.Set($"{key}:Port", settings.Port, v => address.Port = v);
        return address;
    }

    private static OptionsValidationException Invalid(IEnumerable<string> messages) =>
        new(Options.DefaultName, typeof(FrameServerOptions), messages);
}
