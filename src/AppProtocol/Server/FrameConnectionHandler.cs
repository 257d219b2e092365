using System.Collections.Concurrent;
using System.Net.Security;
using AppProtocol.Diagnostics;
using AppProtocol.Framing;
using AppProtocol.Proxy;
using AppProtocol.Transport.Features;
using Microsoft.AspNetCore.Connections;

namespace AppProtocol.Server;

/// <summary>
/// The server core: serves AppProtocol on connections from any transport (the library's sockets, Kestrel, in
/// memory), with the connection middleware, exchange middleware, handler, limits, timeouts, metrics and logs it
/// was built with. <see cref="FrameServer"/> feeds it from its listeners; on Kestrel, <c>UseAppProtocol</c> does.
/// </summary>
public sealed class FrameConnectionHandler : ConnectionHandler, IDisposable
{
    private readonly ConcurrentDictionary<long, FrameServerConnection> _connections = new();
    private readonly ServerSettings _settings;
    private readonly ConnectionDelegate _plainPipeline;
    private readonly Func<ConnectionDelegate, ConnectionDelegate>[] _connectionMiddleware;
    private readonly Heartbeat _heartbeat;
    private readonly MemoryTrimmer? _trimmer;
    private long _lastConnectionId;
    private int _activeConnections;
    private volatile bool _stopping;

    internal FrameConnectionHandler(ServerSettings settings, IReadOnlyList<Func<ConnectionDelegate, ConnectionDelegate>> connectionMiddleware)
    {
        _settings = settings;
        _connectionMiddleware = [.. connectionMiddleware];
        _plainPipeline = Compose(null);
        _trimmer = settings.TrimMemoryAfterSurge ? new MemoryTrimmer(settings.Clock, TrimMemory) : null;
        _heartbeat = new Heartbeat(settings.Clock, OnHeartbeat);
    }

    /// <summary>The connections being served.</summary>
    public int ActiveConnections => Volatile.Read(ref _activeConnections);

    internal ServerSettings Settings => _settings;

    /// <summary>Serves one connection until it closes; the caller still owns the connection and disposes it after.</summary>
    /// <param name="connection">The connection.</param>
    /// <returns>A task that completes when the connection is done (never faulted: failures are logged and counted).</returns>
    public override Task OnConnectedAsync(ConnectionContext connection) => ServeAsync(connection, _plainPipeline, disposeWhenDone: false, connection.LocalEndPoint);

    /// <summary>Stops gracefully: idle connections close now, the others after their exchange in flight; after the shutdown timeout (or when <paramref name="cancellationToken"/> is cancelled) the rest are aborted.</summary>
    /// <param name="cancellationToken">Cancelling it aborts the connections left at once.</param>
    /// <returns>A task that completes when every connection is done.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        _stopping = true;
        FrameServerConnection[] open = [.. _connections.Values];
        ServerLog.Stopping(_settings.Logger, open.Length);
        foreach (FrameServerConnection connection in open)
        {
            connection.RequestStop();
        }

        Task all = Task.WhenAll(open.Select(c => c.Completion));
        try
        {
            await all.WaitAsync(_settings.ShutdownTimeout, _settings.Clock, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            FrameServerConnection[] left = [.. _connections.Values];
            ServerLog.AbortingConnections(_settings.Logger, left.Length);
            foreach (FrameServerConnection connection in left)
            {
                connection.Abort("The server is shutting down.");
            }

            await all.ConfigureAwait(false);
        }
    }

    /// <summary>Stops the heartbeat; call after <see cref="StopAsync"/>.</summary>
    public void Dispose() => _heartbeat.Dispose();

    /// <summary>The pipeline of a listener with TLS of its own (the library's listeners; Kestrel has <c>UseHttps</c>).</summary>
    internal ConnectionDelegate PipelineFor(SslServerAuthenticationOptions? tls) => tls is null ? _plainPipeline : Compose(tls);

    /// <summary>Serves a connection; one task per connection, with no async layer of its own (each would stay alive, and cost memory, as long as the connection).</summary>
    /// <param name="context">The connection.</param>
    /// <param name="pipeline">Its connection middleware and the frame loop.</param>
    /// <param name="disposeWhenDone">Whether to dispose the connection at the end (the library's listeners; Kestrel disposes its own).</param>
    /// <param name="listen">The end point it came in on, for the measurements' tags.</param>
    internal Task ServeAsync(ConnectionContext context, ConnectionDelegate pipeline, bool disposeWhenDone, System.Net.EndPoint? listen)
    {
        MetricTags tags = _settings.Metrics.TagsFor(listen);
        if (_stopping || Interlocked.Increment(ref _activeConnections) > _settings.MaxConcurrentConnections)
        {
            if (!_stopping)
            {
                Interlocked.Decrement(ref _activeConnections);
                _settings.Metrics.Error(AppProtocolMetrics.Reasons.ConnectionLimit, tags);
                ServerLog.ConnectionLimitReached(_settings.Logger, context.RemoteEndPoint, _settings.MaxConcurrentConnections);
            }

            // Closed gracefully by its disposal: a stopping server takes no new connections, a full one refuses them.
            return disposeWhenDone ? context.DisposeAsync().AsTask() : Task.CompletedTask;
        }

        var connection = new FrameServerConnection(_settings, context, Interlocked.Increment(ref _lastConnectionId), tags);
        connection.Completion = ServeRegisteredAsync(connection, pipeline, disposeWhenDone);
        return connection.Completion;
    }

    private async Task ServeRegisteredAsync(FrameServerConnection connection, ConnectionDelegate pipeline, bool disposeWhenDone)
    {
        _connections[connection.Id] = connection;
        // To the thread pool at once, so that an accept loop goes straight back to accepting; never to the caller's
        // SynchronizationContext (Task.Yield would post there), whose thread may be blocked.
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        using IDisposable? scope = _settings.ScopesConnections
            ? ServerLog.ConnectionScope(_settings.Logger, connection.Id, connection.Context)
            : null;
        _settings.Metrics.ConnectionOpened(connection.Tags);
        ServerLog.ConnectionAccepted(_settings.Logger, connection.Id, connection.Context.RemoteEndPoint);
        try
        {
            if (ReferenceEquals(pipeline, _plainPipeline) && _connectionMiddleware.Length == 0 && _settings.ProxyProtocol is null)
            {
                await connection.ServeFramesAsync(connection.Context).ConfigureAwait(false);
            }
            else
            {
                connection.Context.Features.Set(connection);
                connection.Context.Features.Set<IConnectionTimeoutFeature>(connection);
                await pipeline(connection.Context).ConfigureAwait(false);
            }

            ReportTimeout(connection);
        }
        catch (Exception ex)
        {
            ReportFailure(connection, ex);
        }
        finally
        {
            _settings.Metrics.ConnectionClosed(connection.Tags);
            ServerLog.ConnectionClosed(_settings.Logger, connection.Id);
            if (connection.Opened)
            {
                _settings.Notify(_settings.ConnectionClosed, connection);
            }

            _connections.TryRemove(connection.Id, out _);
            Interlocked.Decrement(ref _activeConnections);
        }

        if (disposeWhenDone)
        {
            // After the count and the callbacks: a socket's graceful close may linger for a moment (see SocketConnection).
            await connection.Context.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void ReportTimeout(FrameServerConnection connection)
    {
        if (connection.TimedOut is { } what)
        {
            _settings.Metrics.Error(AppProtocolMetrics.Reasons.Timeout, connection.Tags);
            ServerLog.TimedOut(_settings.Logger, connection.Id, what);
        }
    }

    private void ReportFailure(FrameServerConnection connection, Exception ex)
    {
        if (connection.TimedOut is not null)
        {
            ReportTimeout(connection);
        }
        else if (ex is ProtocolException protocol)
        {
            _settings.Metrics.Error(protocol.Error.ToString(), connection.Tags);
            ServerLog.BadFrame(_settings.Logger, connection.Id, protocol.Error, protocol);
        }
        else if (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or OperationCanceledException or ConnectionAbortedException or ConnectionResetException)
        {
            _settings.Metrics.Error(AppProtocolMetrics.Reasons.Io, connection.Tags);
            ServerLog.IoError(_settings.Logger, connection.Id, ex);
        }
        else
        {
            _settings.Metrics.Error(ex.GetType().FullName ?? "unexpected", connection.Tags);
            ServerLog.ConnectionFailed(_settings.Logger, connection.Id, ex);
        }
    }

    private ConnectionDelegate Compose(SslServerAuthenticationOptions? tls)
    {
        ConnectionDelegate pipeline = static context => context.Features.Get<FrameServerConnection>()!.ServeFramesAsync(context);
        for (int i = _connectionMiddleware.Length - 1; i >= 0; i--)
        {
            pipeline = _connectionMiddleware[i](pipeline);
        }

        pipeline = tls is null ? pipeline : new TlsConnectionMiddleware(pipeline, tls, _settings).OnConnectionAsync;

        // The PROXY header comes first on the wire, before the TLS handshake; TLS then reads the bytes after it from the stream.
        return _settings.ProxyProtocol is not { } proxy ? pipeline
            : new ProxyProtocolMiddleware(pipeline, proxy, _settings.Logger, _settings.Metrics, _settings.Clock, bytesAfterHeaderToStream: tls is not null).OnConnectionAsync;
    }

    private void OnHeartbeat(long now)
    {
        foreach (FrameServerConnection connection in _connections.Values)
        {
            connection.OnHeartbeat(now);
        }

        _trimmer?.OnHeartbeat(now, ActiveConnections);
    }

    private void TrimMemory() =>
        MemoryTrimmer.CollectAggressively(() => ServerLog.MemoryTrimmed(_settings.Logger, GC.GetGCMemoryInfo().TotalCommittedBytes));
}
