using System.Diagnostics.Metrics;
using AppProtocol.Proxy;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Beside Kestrel's own UseHttps (ListenOptionsHttpsExtensions), so that both are found where ListenOptions is configured.
namespace Microsoft.AspNetCore.Hosting;

/// <summary>Reads the PROXY protocol header on a Kestrel endpoint.</summary>
public static class ProxyProtocolListenOptionsExtensions
{
    /// <summary>
    /// Reads the PROXY protocol header (HAProxy's, versions 1 and 2) that a trusted proxy sends first on each connection
    /// of this endpoint, then serves the connection as the original client's: its end points become the header's (see
    /// <see cref="ProxyProtocolMiddleware"/>). Call it before <c>UseHttps</c>: the header comes before the TLS handshake.
    /// </summary>
    /// <param name="listenOptions">The endpoint.</param>
    /// <param name="configure">Sets who is trusted, whether the header is required, its timeout; the defaults when <see langword="null"/>.</param>
    /// <returns><paramref name="listenOptions"/>.</returns>
    /// <remarks>
    /// It works for any protocol on the endpoint (HTTP included: <c>HttpContext.Connection.RemoteIpAddress</c> is the
    /// client's). The logger factory, meter factory and time provider come from
    /// <see cref="ListenOptions.ApplicationServices"/> when it has them.
    /// </remarks>
    public static ListenOptions UseProxyProtocol(this ListenOptions listenOptions, Action<ProxyProtocolOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        var options = new ProxyProtocolOptions();
        configure?.Invoke(options);

        // Null when the Kestrel options were made outside a host.
        IServiceProvider? services = listenOptions.ApplicationServices;
        var middleware = new Func<Microsoft.AspNetCore.Connections.ConnectionDelegate, Microsoft.AspNetCore.Connections.ConnectionDelegate>(next =>
            new ProxyProtocolMiddleware(next, options, services?.GetService<ILoggerFactory>(), services?.GetService<IMeterFactory>(), services?.GetService<TimeProvider>()).OnConnectionAsync);
        listenOptions.Use(middleware);
        return listenOptions;
    }
}
