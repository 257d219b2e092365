using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using AppProtocol.Diagnostics;
using AppProtocol.Framing;
using AppProtocol.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AppProtocol.Server;

/// <summary>Serves frames on one or more listeners: each request frame goes to a <see cref="FrameHandler"/>, each answer back in order.</summary>
/// <remarks>
/// Each connection is served on its own: a bad frame, a timeout, a handler exception or an I/O error ends that
/// connection only, and is logged and counted. The accept loop (one per listener) survives everything but
/// <see cref="StopAsync"/> and <see cref="DisposeAsync"/>.
/// </remarks>
public sealed class FrameServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, ServerConnection> _connections = new();
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(50);

    private readonly List<SocketListener> _listeners = [];
    private readonly List<Task> _acceptLoops = [];
    private readonly Lock _gate = new();
    private IReadOnlyList<EndPoint> _endPoints = [];
    private long _lastConnectionId;
    private int _activeConnections;
    private bool _started;
    private Task? _stopping;

    /// <summary>Creates a server; <see cref="StartAsync"/> starts it.</summary>
    /// <param name="options">The settings; read at <see cref="StartAsync"/>, do not change them afterwards.</param>
    /// <param name="handler">Answers each request.</param>
    /// <param name="loggerFactory">Where logs go; none when <see langword="null"/>.</param>
    public FrameServer(FrameServerOptions options, FrameHandler handler, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        Options = options;
        Handler = handler;
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<FrameServer>();
        Metrics = new AppProtocolMetrics(options.MeterFactory);
    }

    /// <summary>The bound end points, once started (for port 0, the port the system chose).</summary>
    public IReadOnlyList<EndPoint> EndPoints => _endPoints;

    /// <summary>The connections being served.</summary>
    public int ActiveConnections => Volatile.Read(ref _activeConnections);

    internal FrameServerOptions Options { get; }

    internal FrameHandler Handler { get; }

    internal ILogger Logger { get; }

    internal AppProtocolMetrics Metrics { get; }

    /// <summary>The parser every connection uses (it keeps no state), made with the limits when the server starts.</summary>
    internal FrameParser Parser { get; private set; } = new();

    internal TimeProvider TimeProvider => Options.TimeProvider;

    /// <summary>Binds every listen address and starts accepting.</summary>
    /// <param name="cancellationToken">Cancels host name resolution.</param>
    /// <returns>A task that completes once every listener is bound.</returns>
    /// <exception cref="InvalidOperationException">Already started, or no listen address.</exception>
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

        Options.Validate();
        Parser = new FrameParser(Options.Limits);
        var listeners = new List<SocketListener>();
        try
        {
            foreach (ListenAddress address in Options.Listen)
            {
                await BindAsync(address, listeners, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            foreach (SocketListener listener in listeners)
            {
                await listener.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        bool stopped;
        lock (_gate)
        {
            stopped = _stopping is not null;
            if (!stopped)
            {
                _listeners.AddRange(listeners);
                _endPoints = listeners.Select(l => l.EndPoint).ToArray();
                foreach (SocketListener listener in listeners)
                {
                    ServerLog.Listening(Logger, listener.EndPoint);
                    _acceptLoops.Add(Task.Run(() => AcceptLoopAsync(listener), CancellationToken.None));
                }
            }
        }

        if (stopped)
        {
            // StopAsync ran while the listeners were being bound: it did not see them, so close them here.
            foreach (SocketListener listener in listeners)
            {
                await listener.DisposeAsync().ConfigureAwait(false);
            }

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
            ServerLog.ConnectionFailed(Logger, 0, ex);
        }
    }

    internal void OnConnectionClosed(ServerConnection connection)
    {
        _connections.TryRemove(connection.Id, out _);
        Interlocked.Decrement(ref _activeConnections);
    }

    internal void InvokeCallback(Action<long, EndPoint?>? callback, ServerConnection connection)
    {
        try
        {
            callback?.Invoke(connection.Id, connection.RemoteEndPoint);
        }
        catch (Exception ex)
        {
            ServerLog.CallbackFailed(Logger, connection.Id, ex);
        }
    }

    private async Task BindAsync(ListenAddress address, List<SocketListener> listeners, CancellationToken cancellationToken)
    {
        IReadOnlyList<EndPoint> endPoints = await address.ResolveAsync(cancellationToken).ConfigureAwait(false);
        if (endPoints.Count == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound, $"'{address.Host}' has no address.");
        }

        int bound = 0;
        for (int i = 0; i < endPoints.Count; i++)
        {
            try
            {
                listeners.Add(BindOne(endPoints[i]));
                bound++;
            }
            catch (SocketException ex) when (endPoints.Count > 1 && (bound > 0 || i < endPoints.Count - 1))
            {
                // A name such as localhost may resolve to ::1 on a machine without IPv6: serve its other addresses.
                ServerLog.BindSkipped(Logger, endPoints[i], address.ToString(), ex);
            }
        }

        if (bound == 0)
        {
            throw new SocketException((int)SocketError.AddressNotAvailable, $"No address of {address} could be bound.");
        }
    }

    private SocketListener BindOne(EndPoint endPoint)
    {
        try
        {
            return SocketListener.Bind(endPoint, Options.Backlog);
        }
        catch (SocketException) when (endPoint is IPEndPoint { Address: var any, Port: var port } && any.Equals(IPAddress.IPv6Any))
        {
            // The system has IPv6 sockets but IPv6 is disabled: every interface then means every IPv4 interface.
            return SocketListener.Bind(new IPEndPoint(IPAddress.Any, port), Options.Backlog);
        }
    }

    private async Task AcceptLoopAsync(SocketListener listener)
    {
        while (true)
        {
            SocketConnection? transport;
            try
            {
                transport = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                ServerLog.AcceptFailed(Logger, listener.EndPoint, ex);
                if (ex.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                {
                    // Out of descriptors or memory: retrying at once would only spin; give closing connections a moment.
                    await Task.Delay(AcceptRetryDelay, TimeProvider).ConfigureAwait(false);
                }

                continue;
            }

            if (transport is null)
            {
                return;
            }

            if (Interlocked.Increment(ref _activeConnections) > Options.MaxConcurrentConnections)
            {
                Interlocked.Decrement(ref _activeConnections);
                Metrics.Error(AppProtocolMetrics.Reasons.ConnectionLimit);
                ServerLog.ConnectionLimitReached(Logger, transport.RemoteEndPoint, Options.MaxConcurrentConnections);
                transport.CloseWithoutLingering();
                continue;
            }

            var connection = new ServerConnection(this, transport, Interlocked.Increment(ref _lastConnectionId));
            _connections[connection.Id] = connection;
            connection.Start();
        }
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        SocketListener[] listeners;
        Task[] acceptLoops;
        lock (_gate)
        {
            listeners = [.. _listeners];
            acceptLoops = [.. _acceptLoops];
        }

        foreach (SocketListener listener in listeners)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(acceptLoops).ConfigureAwait(false);

        ServerConnection[] open = [.. _connections.Values];
        ServerLog.Stopping(Logger, open.Length);
        foreach (ServerConnection connection in open)
        {
            connection.RequestStop();
        }

        Task all = Task.WhenAll(open.Select(c => c.Completion));
        try
        {
            await all.WaitAsync(Options.ShutdownTimeout, TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            ServerConnection[] left = [.. _connections.Values];
            ServerLog.AbortingConnections(Logger, left.Length);
            foreach (ServerConnection connection in left)
            {
                connection.Abort();
            }

            await all.ConfigureAwait(false);
        }
    }
}
