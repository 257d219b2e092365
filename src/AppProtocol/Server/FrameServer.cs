using System.Net;
using System.Net.Sockets;
using AppProtocol.Diagnostics;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace AppProtocol.Server;

/// <summary>Serves frames on one or more listeners: each request frame goes to a <see cref="FrameHandler"/>, each answer back in order.</summary>
/// <remarks>
/// Each connection is served on its own: a bad frame, a timeout or an I/O error ends that connection only, and a
/// handler's failure becomes an error reply; all are logged and counted. The accept loop (one per listener)
/// survives everything but <see cref="StopAsync"/> and <see cref="DisposeAsync"/>. Build one with
/// <see cref="FrameServerBuilder"/> for middleware and other transports.
/// </remarks>
public sealed class FrameServer : IAsyncDisposable
{
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(50);

    private readonly FrameConnectionHandler _core;
    private readonly IReadOnlyList<ListenerSpec> _specs;
    private readonly List<IConnectionListener> _listeners = [];
    private readonly List<Task> _acceptLoops = [];
    private readonly Lock _gate = new();
    private IReadOnlyList<EndPoint> _endPoints = [];
    private bool _started;
    private Task? _stopping;

    /// <summary>Creates a server on <see cref="FrameServerOptions.Listen"/>; <see cref="StartAsync"/> starts it.</summary>
    /// <param name="options">The settings, snapshotted now.</param>
    /// <param name="handler">Answers each request.</param>
    /// <param name="loggerFactory">Where logs go; none when <see langword="null"/>.</param>
    /// <exception cref="InvalidOperationException">No listen address, or a listen address's TLS settings are unusable.</exception>
    public FrameServer(FrameServerOptions options, FrameHandler handler, ILoggerFactory? loggerFactory = null)
        : this(new FrameServerBuilder(options ?? throw new ArgumentNullException(nameof(options))) { LoggerFactory = loggerFactory }.Run(handler).BuildParts())
    {
    }

    internal FrameServer((FrameConnectionHandler Core, IReadOnlyList<ListenerSpec> Specs) parts) => (_core, _specs) = parts;

    /// <summary>The bound end points, once started (for port 0, the port the system chose).</summary>
    public IReadOnlyList<EndPoint> EndPoints => _endPoints;

    /// <summary>The connections being served.</summary>
    public int ActiveConnections => _core.ActiveConnections;

    private ILogger Logger => _core.Settings.Logger;

    /// <summary>Binds every listen address and starts accepting.</summary>
    /// <param name="cancellationToken">Cancels host name resolution.</param>
    /// <returns>A task that completes once every listener is bound.</returns>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    /// <exception cref="SocketException">An address could not be bound (nothing stays bound then).</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping is not null, this);
            if (_started)
            {
                throw new InvalidOperationException("The server is already started.");
            }

            _started = true;
        }

        var bound = new List<(IConnectionListener Listener, ConnectionDelegate Pipeline)>();
        try
        {
            foreach (ListenerSpec spec in _specs)
            {
                ConnectionDelegate pipeline = _core.PipelineFor(spec.Tls);
                foreach (IConnectionListener listener in await ListenerBinder.BindAsync(spec, Logger, cancellationToken).ConfigureAwait(false))
                {
                    bound.Add((listener, pipeline));
                }
            }
        }
        catch
        {
            await Task.WhenAll(bound.Select(b => b.Listener.DisposeAsync().AsTask())).ConfigureAwait(false);
            throw;
        }

        if (!TryPublish(bound))
        {
            // StopAsync ran while the listeners were being bound: it did not see them, so close them here.
            await Task.WhenAll(bound.Select(b => b.Listener.DisposeAsync().AsTask())).ConfigureAwait(false);
            throw new ObjectDisposedException(nameof(FrameServer), "The server was stopped while starting.");
        }
    }

    /// <summary>
    /// Stops gracefully: stops accepting, closes idle connections, lets exchanges in flight finish for up to
    /// <see cref="FrameServerOptions.ShutdownTimeout"/>, then aborts the connections left. Safe to call more than once.
    /// </summary>
    /// <param name="cancellationToken">Cancelling it aborts the connections left at once.</param>
    /// <returns>A task that completes when every connection is closed.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _stopping ??= StopCoreAsync(cancellationToken);
            return _stopping;
        }
    }

    /// <summary>Stops the server as <see cref="StopAsync"/> does. Safe to call twice; never throws.</summary>
    /// <returns>A task that completes when the server is stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ServerLog.StopFailed(Logger, ex);
        }
    }

    private bool TryPublish(List<(IConnectionListener Listener, ConnectionDelegate Pipeline)> bound)
    {
        lock (_gate)
        {
            if (_stopping is not null)
            {
                return false;
            }

            _listeners.AddRange(bound.Select(b => b.Listener));
            _endPoints = bound.Select(b => b.Listener.EndPoint).ToArray();
            foreach (var (listener, pipeline) in bound)
            {
                ServerLog.Listening(Logger, listener.EndPoint);
                _acceptLoops.Add(Task.Run(() => AcceptLoopAsync(listener, pipeline), CancellationToken.None));
            }

            return true;
        }
    }

    private async Task AcceptLoopAsync(IConnectionListener listener, ConnectionDelegate pipeline)
    {
        while (true)
        {
            ConnectionContext? connection;
            try
            {
                connection = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                ServerLog.AcceptFailed(Logger, listener.EndPoint, ex);
                if (ex.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                {
                    // Out of descriptors or memory: retrying at once would only spin; give closing connections a moment.
                    await Task.Delay(AcceptRetryDelay, _core.Settings.Clock).ConfigureAwait(false);
                }

                continue;
            }

            if (connection is null)
            {
                return;
            }

            _ = _core.ServeAsync(connection, pipeline, disposeWhenDone: true, listener.EndPoint);
        }
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        IConnectionListener[] listeners;
        Task[] acceptLoops;
        lock (_gate)
        {
            listeners = [.. _listeners];
            acceptLoops = [.. _acceptLoops];
        }

        foreach (IConnectionListener listener in listeners)
        {
            await listener.UnbindAsync(CancellationToken.None).ConfigureAwait(false);
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(acceptLoops).ConfigureAwait(false);
        await _core.StopAsync(cancellationToken).ConfigureAwait(false);
        _core.Dispose();
    }
}
