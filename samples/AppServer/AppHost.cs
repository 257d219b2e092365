using AppProtocol.Samples;
using AppProtocol.Server;
using AppProtocol.Transport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AppServer;

/// <summary>
/// The server as a Generic Host: AppProtocol.Hosting's hosted server, its options from the <c>AppProtocol</c> section
/// of the <c>--config</c> file (if any), then the command line's over them; SIGTERM and Ctrl+C stop it gracefully.
/// </summary>
internal static class AppHost
{
    /// <summary>The configuration file's section for the server.</summary>
    public const string Section = "AppProtocol";

    /// <exception cref="FileNotFoundException">The configuration file does not exist.</exception>
    /// <exception cref="InvalidDataException">The configuration file is not JSON.</exception>
    public static IHost Build(Arguments arguments, ServerTls? tls, AppConsole? console, ProxyArguments? proxy)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (arguments.ConfigPath is { } path)
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(path), optional: false, reloadOnChange: false);
        }

        builder.Logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddFilter("Microsoft.Extensions.Hosting", LogLevel.Critical); // its start failures are printed as the reference would, by Program.cs
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);

        // The sample's own default, before the file's settings.
        builder.Services.Configure<FrameServerOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddAppProtocolServer(builder.Configuration.GetSection(Section))
            .Configure(options => ApplyCommandLine(options, arguments, tls, console, proxy))
            .Run(services =>
            {
                // The handler prints the "connection": "close" member the server adds, so it needs the final setting.
                bool closeAfterResponse = services.GetRequiredService<IOptions<FrameServerOptions>>().Value.CloseAfterResponse;
                return new AppRequestHandler(console, closeAfterResponse).HandleAsync;
            });

        IHost host = builder.Build();
        if (console is not null)
        {
            host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => Console.WriteLine("Caught keyboard interrupt, exiting"));
        }

        return host;
    }

    private static void ApplyCommandLine(FrameServerOptions options, Arguments arguments, ServerTls? tls, AppConsole? console, ProxyArguments? proxy)
    {
        // Every connection starts with a PROXY header from a trusted proxy; the lines printed then name its client.
        if (proxy is not null)
        {
            options.ProxyProtocol = new AppProtocol.Proxy.ProxyProtocolOptions();
            foreach (System.Net.IPNetwork network in proxy.TrustedProxies)
            {
                options.ProxyProtocol.TrustedProxies.Add(network);
            }
        }

        options.CloseAfterResponse |= arguments.CloseAfterResponse;
        options.ConnectionOpened = (_, remote) => console?.Accepted(remote);
        options.ConnectionClosed = (_, remote) => console?.Closing(remote);
        if (arguments.FrameTimeout is { } timeout)
        {
            options.FrameTimeout = timeout;
        }

        if (arguments.Host is { } host)
        {
            // <host> <port> replace the file's listen addresses. TLS is the listen address's own; the lines printed are the same over it.
            ListenAddress address = ListenAddress.Tcp(host, arguments.Port);
            options.Listen.Clear();
            options.Listen.Add(tls is null ? address : address.WithTls(tls.ToSslServerAuthenticationOptions()));
        }
    }
}
