using AppProtocol.Hosting;
using AppProtocol.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AppProtocol.Tests.Hosting;

/// <summary>Generic hosts for the hosting tests: in-memory configuration under "AppProtocol", scopes validated, no console logging.</summary>
public static class TestHost
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>A builder whose configuration holds <paramref name="settings"/>, keys relative to the "AppProtocol" section; a later value for a key replaces an earlier one.</summary>
    public static HostApplicationBuilder Builder(params (string Key, string? Value)[] settings)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach ((string key, string? value) in settings)
        {
            values[$"AppProtocol:{key}"] = value;
        }

        builder.Configuration.AddInMemoryCollection(values);
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true }));
        return builder;
    }

    /// <summary>The server registered from the "AppProtocol" section of <paramref name="builder"/>'s configuration.</summary>
    public static AppProtocolServerBuilder AddServer(HostApplicationBuilder builder) =>
        builder.Services.AddAppProtocolServer(builder.Configuration.GetSection("AppProtocol"));

    /// <summary>Starts the host and returns its AppProtocol server.</summary>
    public static async Task<FrameServerService> StartAsync(IHost host)
    {
        await host.StartAsync().WaitAsync(Patience);
        return host.Services.GetRequiredService<FrameServerService>();
    }

    /// <summary>The loopback TCP listen address on a port the system chooses.</summary>
    public static (string, string?)[] Loopback => [("Listen:0:Host", "127.0.0.1"), ("Listen:0:Port", "0")];

    public static FrameHandler Search => AppProtocol.Tests.Support.SearchHandler.Handler;
}
