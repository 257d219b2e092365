using System.Diagnostics.Metrics;
using AppProtocol.AspNetCore;
using AppProtocol.Server;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Beside Kestrel's own UseHttps (ListenOptionsHttpsExtensions), so that both are found where ListenOptions is configured.
namespace Microsoft.AspNetCore.Hosting;

/// <summary>Serves AppProtocol on a Kestrel endpoint.</summary>
public static class AppProtocolListenOptionsExtensions
{
    /// <summary>
    /// Serves AppProtocol on this endpoint with <paramref name="handler"/>: every connection Kestrel accepts here
    /// (after <c>UseHttps</c>, when it is placed before) is served by a <see cref="FrameConnectionHandler"/> with
    /// AppProtocol's limits, timeouts, metrics and logs.
    /// </summary>
    /// <param name="listenOptions">The endpoint.</param>
    /// <param name="handler">Answers each request.</param>
    /// <param name="configure">Sets options and middleware; <see cref="FrameServerBuilder.Run"/> may replace <paramref name="handler"/>.</param>
    /// <returns><paramref name="listenOptions"/>.</returns>
    /// <remarks>
    /// The logger factory and meter factory come from <see cref="ListenOptions.ApplicationServices"/> when the
    /// builder sets none. Under Kestrel's TLS, handlers see the client certificate and protocol through
    /// <see cref="FrameExchange.Connection"/>. When the application stops, idle AppProtocol connections close and the
    /// exchanges in flight finish (up to <see cref="FrameServerOptions.ShutdownTimeout"/>).
    /// </remarks>
    public static ListenOptions UseAppProtocol(this ListenOptions listenOptions, FrameHandler handler, Action<FrameServerBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return listenOptions.UseAppProtocol(builder =>
        {
            builder.Run(handler);
            configure?.Invoke(builder);
        });
    }

    /// <summary>Serves AppProtocol on this endpoint with the handler and settings <paramref name="configure"/> gives the builder.</summary>
    /// <param name="listenOptions">The endpoint.</param>
    /// <param name="configure">Sets options, middleware and the handler (<see cref="FrameServerBuilder.Run"/>).</param>
    /// <returns><paramref name="listenOptions"/>.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="configure"/> set no handler.</exception>
    public static ListenOptions UseAppProtocol(this ListenOptions listenOptions, Action<FrameServerBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        ArgumentNullException.ThrowIfNull(configure);

        var builder = new FrameServerBuilder();
        configure(builder);

        // Null when the Kestrel options were made outside a host.
        IServiceProvider? services = listenOptions.ApplicationServices;
        builder.LoggerFactory ??= services?.GetService<ILoggerFactory>();
        builder.Options.MeterFactory ??= services?.GetService<IMeterFactory>();

        FrameConnectionHandler connectionHandler = builder.BuildConnectionHandler();
        if (services is not null)
        {
            KestrelShutdown.Register(connectionHandler, services);
        }

        listenOptions.Use(KestrelConnectionAdapter.Middleware);
        listenOptions.Run(connectionHandler.OnConnectedAsync);
        return listenOptions;
    }
}
