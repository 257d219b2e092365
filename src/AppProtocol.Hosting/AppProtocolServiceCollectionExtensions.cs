using AppProtocol.Hosting;
using AppProtocol.Hosting.Configuration;
using AppProtocol.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

// Beside the other Add* methods of IServiceCollection, so that they are found without a using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers an AppProtocol server in an application's services.</summary>
public static class AppProtocolServiceCollectionExtensions
{
    /// <summary>
    /// Registers an AppProtocol server (<see cref="FrameServerService"/>) as a hosted service, with
    /// <see cref="FrameServerOptions"/> set in code and validated when the host starts.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <returns>A builder for the handler, middleware and options. Calling this again returns a builder for the same server.</returns>
    public static AppProtocolServerBuilder AddAppProtocolServer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.FirstOrDefault(d => d.ServiceType == typeof(AppProtocolServerRegistration))?.ImplementationInstance is AppProtocolServerRegistration existing)
        {
            return new AppProtocolServerBuilder(services, existing);
        }

        var registration = new AppProtocolServerRegistration();
        services.AddSingleton(registration);
        services.AddOptions<FrameServerOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FrameServerOptions>, FrameServerOptionsValidator>());
        services.AddSingleton(provider => new FrameServerService(provider, registration, provider.GetRequiredService<IOptions<FrameServerOptions>>()));
        services.AddHostedService(provider => provider.GetRequiredService<FrameServerService>());
        return new AppProtocolServerBuilder(services, registration);
    }

    /// <summary>
    /// Registers an AppProtocol server as <see cref="AddAppProtocolServer(IServiceCollection)"/> does, with its
    /// options bound from <paramref name="configuration"/> (typically <c>builder.Configuration.GetSection("AppProtocol")</c>).
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configuration">
    /// The section, with <see cref="FrameServerOptions"/>' keys: <c>Listen:0:Host</c>, <c>Listen:0:Port</c>,
    /// <c>Listen:0:UnixSocketPath</c>, <c>Listen:0:Certificate:Path</c> (PEM or PFX), <c>:KeyPath</c>,
    /// <c>:Password</c>; <c>Limits:MaxContentLength</c>, <c>MaxHeaderLength</c>, <c>MaxHeaderDepth</c>;
    /// <c>IdleTimeout</c>, <c>FrameTimeout</c>, <c>ShutdownTimeout</c>, <c>TlsHandshakeTimeout</c>,
    /// <c>MinResponseDataRate:BytesPerSecond</c> and <c>:GracePeriod</c>, <c>MaxConcurrentConnections</c>,
    /// <c>Backlog</c>, <c>CloseAfterResponse</c>, <c>TrimMemoryAfterSurge</c>; <c>RequestStreamingThreshold</c>,
    /// <c>MaxStreamedContentLength</c>, <c>MinRequestDataRate:BytesPerSecond</c> and <c>:GracePeriod</c>.
    /// </param>
    /// <returns>A builder for the handler, middleware and options.</returns>
    /// <exception cref="InvalidOperationException">A configuration section was given already.</exception>
    /// <remarks>
    /// The section is read when the options are first needed (at the host's start). A value a setting refuses, a
    /// value of the wrong type and an unknown key each fail the start with an <see cref="OptionsValidationException"/>
    /// that names the key, as do a listen address without a host or socket path and a certificate that cannot be
    /// loaded. The binding is generated code, trim- and AOT-safe; settings set in code afterwards override it.
    /// </remarks>
    public static AppProtocolServerBuilder AddAppProtocolServer(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        AppProtocolServerBuilder builder = services.AddAppProtocolServer();
        if (builder.Registration.HasConfiguration)
        {
            throw new InvalidOperationException("AddAppProtocolServer was already given a configuration section: one server binds from one section.");
        }

        builder.Registration.HasConfiguration = true;
        services.AddSingleton<IConfigureOptions<FrameServerOptions>>(new ConfigurationBinding(configuration, builder.Registration));
        return builder;
    }
}
