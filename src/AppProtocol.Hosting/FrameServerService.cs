using System.Diagnostics.Metrics;
using System.Net;
using AppProtocol.Server;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AppProtocol.Hosting;

/// <summary>
/// The <see cref="FrameServer"/> of an application, as a hosted service: built and bound when the host starts,
/// stopped gracefully when it stops. <c>AddAppProtocolServer</c> registers it; resolve it for its bound end points
/// (port 0) and its status.
/// </summary>
/// <remarks>
/// The server is built from the validated <see cref="FrameServerOptions"/> with the application's logger factory and
/// meter factory (when the options set none). The host's stop runs <see cref="FrameServer.StopAsync"/> with the
/// host's token: exchanges in flight finish within <see cref="FrameServerOptions.ShutdownTimeout"/> or the host's
/// own shutdown timeout, whichever ends first, then the connections left are aborted.
/// </remarks>
public sealed class FrameServerService : IHostedService, IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly AppProtocolServerRegistration _registration;
    private readonly IOptions<FrameServerOptions> _options;
    private FrameServer? _server;
    private volatile FrameServerStatus _status;

    internal FrameServerService(IServiceProvider services, AppProtocolServerRegistration registration, IOptions<FrameServerOptions> options)
    {
        _services = services;
        _registration = registration;
        _options = options;
    }

    /// <summary>Where the server is in its life.</summary>
    public FrameServerStatus Status => _status;

    /// <summary>Why the server could not start, when <see cref="Status"/> is <see cref="FrameServerStatus.Failed"/>.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>The bound end points once listening (for port 0, the port the system chose); empty before.</summary>
    public IReadOnlyList<EndPoint> EndPoints => _server?.EndPoints ?? [];

    /// <summary>The connections being served.</summary>
    public int ActiveConnections => _server?.ActiveConnections ?? 0;

    /// <summary>The connection limit the server started with (<see cref="FrameServerOptions.MaxConcurrentConnections"/>).</summary>
    public int MaxConcurrentConnections { get; private set; }

    /// <summary>Builds the server and binds its listen addresses.</summary>
    /// <param name="cancellationToken">The host's start token; cancels host name resolution.</param>
    /// <returns>A task that completes once every address is bound.</returns>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_status != FrameServerStatus.NotStarted)
        {
            throw new InvalidOperationException("The AppProtocol server was already started.");
        }

        _status = FrameServerStatus.Starting;
        try
        {
            _server = Build();
            await _server.StartAsync(cancellationToken).ConfigureAwait(false);
            _status = FrameServerStatus.Listening;
        }
        catch (Exception ex)
        {
            Failure = ex;
            _status = FrameServerStatus.Failed;
            if (_server is { } server)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Stops gracefully (<see cref="FrameServer.StopAsync"/>): no new connections, idle ones closed, exchanges in flight finished.</summary>
    /// <param name="cancellationToken">The host's stop token: cancelled when its shutdown timeout ends, which aborts the connections left.</param>
    /// <returns>A task that completes when every connection is closed.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not { } server || _status is not (FrameServerStatus.Listening or FrameServerStatus.Stopping))
        {
            return;
        }

        _status = FrameServerStatus.Stopping;
        try
        {
            await server.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _status = FrameServerStatus.Stopped;
        }
    }

    /// <summary>Stops the server if it still runs, and releases it.</summary>
    /// <returns>A task that completes when the server is disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_server is { } server)
        {
            await server.DisposeAsync().ConfigureAwait(false);
            if (_status != FrameServerStatus.Failed)
            {
                _status = FrameServerStatus.Stopped;
            }
        }
    }

    private FrameServer Build()
    {
        FrameServerOptions options = _options.Value;
        options.MeterFactory ??= _services.GetService<IMeterFactory>();
        MaxConcurrentConnections = options.MaxConcurrentConnections;
        var builder = new FrameServerBuilder(options) { LoggerFactory = _services.GetService<ILoggerFactory>() };
        foreach (Func<ConnectionDelegate, ConnectionDelegate> middleware in _registration.ConnectionMiddleware)
        {
            builder.UseConnectionMiddleware(middleware);
        }

        foreach (Func<FrameHandler, FrameHandler> middleware in _registration.ExchangeMiddleware)
        {
            builder.UseExchangeMiddleware(middleware);
        }

        foreach (var (factory, endPoint, tls) in _registration.Transports)
        {
            builder.ListenOn(factory, endPoint, tls);
        }

        // The validator has refused a registration without a handler.
        builder.Run(_registration.HandlerFactory!(_services));
        return builder.Build();
    }
}
