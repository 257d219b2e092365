using System.Diagnostics.CodeAnalysis;
using AppProtocol.Hosting;
using AppProtocol.Hosting.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

// Beside the other Add* methods of IServiceCollection, so that they are found without a using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers AppProtocol clients in an application's services, named or typed, as <c>AddHttpClient</c> does for HTTP.</summary>
public static class FrameClientServiceCollectionExtensions
{
    /// <summary>Registers a client under <paramref name="name"/>, for <see cref="IFrameClientFactory.CreateClient"/>, with its settings set in code.</summary>
    /// <param name="services">The application's services.</param>
    /// <param name="name">The client's name.</param>
    /// <param name="configure">Sets its <see cref="FrameClientSettings"/>; validated when the host starts (or at the first <c>CreateClient</c> without a host).</param>
    /// <returns>A builder for its settings and resilience. Calling this again with the name returns a builder for the same client.</returns>
    public static FrameClientBuilder AddFrameClient(this IServiceCollection services, string name, Action<FrameClientSettings>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        ClientRegistry registry = Registry(services);
        var builder = new FrameClientBuilder(services, registry.GetOrAdd(name));
        services.AddOptions<FrameClientSettings>(name).ValidateOnStart();
        return configure is null ? builder : builder.Configure(configure);
    }

    /// <summary>Registers a client under <paramref name="name"/> with its settings bound from <paramref name="configuration"/>.</summary>
    /// <param name="services">The application's services.</param>
    /// <param name="name">The client's name.</param>
    /// <param name="configuration">Its section (<c>builder.Configuration.GetSection("AppProtocol:Clients:search")</c>), with the keys of <see cref="FrameClientSettings"/>.</param>
    /// <returns>A builder for its settings and resilience.</returns>
    /// <exception cref="InvalidOperationException">The name was given a configuration section already.</exception>
    /// <remarks>A value a setting refuses, a value of the wrong type and an unknown key each fail the start with an <see cref="OptionsValidationException"/> that names the key.</remarks>
    public static FrameClientBuilder AddFrameClient(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        FrameClientBuilder builder = services.AddFrameClient(name);
        if (builder.Registration.ConfigurationPath is not null)
        {
            throw new InvalidOperationException($"The AppProtocol client '{name}' was already given a configuration section.");
        }

        builder.Registration.ConfigurationPath = configuration is IConfigurationSection section ? section.Path : "";
        services.AddSingleton<IConfigureOptions<FrameClientSettings>>(new ClientConfigurationBinding(name, configuration));
        return builder;
    }

    /// <summary>
    /// Registers a typed client: <typeparamref name="TClient"/>, transient, made with a <see cref="NamedFrameClient"/>
    /// (and other services) in its constructor, for the client named after the type.
    /// </summary>
    /// <typeparam name="TClient">The typed client; its name is the type's name.</typeparam>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Sets its settings.</param>
    /// <returns>A builder for its settings and resilience.</returns>
    public static FrameClientBuilder AddFrameClient<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TClient>(this IServiceCollection services, Action<FrameClientSettings>? configure = null)
        where TClient : class => AddTyped<TClient>(services.AddFrameClient(typeof(TClient).Name, configure));

    /// <summary>Registers a typed client with its settings bound from <paramref name="configuration"/>.</summary>
    /// <typeparam name="TClient">The typed client; its name is the type's name.</typeparam>
    /// <param name="services">The application's services.</param>
    /// <param name="configuration">Its section, with the keys of <see cref="FrameClientSettings"/>.</param>
    /// <returns>A builder for its settings and resilience.</returns>
    public static FrameClientBuilder AddFrameClient<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TClient>(this IServiceCollection services, IConfiguration configuration)
        where TClient : class => AddTyped<TClient>(services.AddFrameClient(typeof(TClient).Name, configuration));

    private static FrameClientBuilder AddTyped<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TClient>(FrameClientBuilder builder)
        where TClient : class
    {
        string name = builder.Name;
        builder.Services.TryAddTransient(provider => ActivatorUtilities.CreateInstance<TClient>(provider, provider.GetRequiredService<IFrameClientFactory>().CreateClient(name)));
        return builder;
    }

    private static ClientRegistry Registry(IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(ClientRegistry))?.ImplementationInstance is ClientRegistry existing)
        {
            return existing;
        }

        var registry = new ClientRegistry();
        services.AddSingleton(registry);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FrameClientSettings>, FrameClientSettingsValidator>());
        services.AddSingleton<IFrameClientFactory, FrameClientFactory>();
        return registry;
    }
}
