using System.Buffers;
using System.Net;
using AppProtocol.Diagnostics;
using AppProtocol.Framing;
using Microsoft.Extensions.Logging;

namespace AppProtocol.Server;

/// <summary>
/// What every connection of a server needs, fixed when the server is built: a snapshot of its options (so that
/// later changes to <see cref="FrameServerOptions"/> cannot half apply) and its services.
/// </summary>
internal sealed class ServerSettings
{
    public ServerSettings(FrameServerOptions options, FrameHandler pipeline, ILogger logger)
    {
        // Streaming on, the parser takes any length: the reader holds buffered content to the buffered limit, the
        // connection answers streamed content over the streamed limit with an error reply.
        RequestStreamingThreshold = options.RequestStreamingThreshold ?? long.MaxValue;
        MaxBufferedContentLength = options.Limits.MaxContentLength;
        MaxStreamedContentLength = options.MaxStreamedContentLength;
        MinRequestDataRate = options.MinRequestDataRate;
        Parser = new FrameParser(options.RequestStreamingThreshold is null
            ? options.Limits
            : options.Limits with { MaxContentLength = FrameLimits.MaxSupportedContentLength });
        IdleTimeout = options.IdleTimeout;
        FrameTimeout = options.FrameTimeout;
        ShutdownTimeout = options.ShutdownTimeout;
        TlsHandshakeTimeout = options.TlsHandshakeTimeout;
        DrainGracePeriod = options.DrainGracePeriod;
        MinResponseDataRate = options.MinResponseDataRate;
        MaxConcurrentConnections = options.MaxConcurrentConnections;
        CloseAfterResponse = options.CloseAfterResponse;
        TrimMemoryAfterSurge = options.TrimMemoryAfterSurge;
        MemoryPool = options.MemoryPool;
        Clock = options.TimeProvider;
        ConnectionOpened = options.ConnectionOpened;
        ConnectionClosed = options.ConnectionClosed;
        ProxyProtocol = options.ProxyProtocol?.Snapshot();
        Metrics = new AppProtocolMetrics(options.MeterFactory);
        Pipeline = new ExchangeErrorMapper(pipeline, Metrics, logger, Clock).HandleAsync;
        Logger = logger;
        TracesWaits = logger.IsEnabled(LogLevel.Trace);
        ScopesConnections = logger.IsEnabled(LogLevel.Critical);
    }

    /// <summary>Whether the per-frame trace events are logged, decided once: checking the logger per frame costs on every exchange.</summary>
    public bool TracesWaits { get; }

    /// <summary>Whether each connection gets a logging scope: not when nothing is logged, since a scope costs every connection an execution context of its own.</summary>
    public bool ScopesConnections { get; }

    /// <summary>The parser every connection shares (it keeps no state), with the limits.</summary>
    public FrameParser Parser { get; }

    /// <summary>Content longer than this is streamed to the handler; <see cref="long.MaxValue"/> when streaming is off.</summary>
    public long RequestStreamingThreshold { get; }

    public long MaxBufferedContentLength { get; }

    public long MaxStreamedContentLength { get; }

    public DataRate? MinRequestDataRate { get; }

    public TimeSpan IdleTimeout { get; }

    public TimeSpan FrameTimeout { get; }

    public TimeSpan ShutdownTimeout { get; }

    public TimeSpan TlsHandshakeTimeout { get; }

    public DataRate? MinResponseDataRate { get; }

    public int MaxConcurrentConnections { get; }

    public bool CloseAfterResponse { get; }

    public TimeSpan DrainGracePeriod { get; }

    public bool TrimMemoryAfterSurge { get; }

    public MemoryPool<byte>? MemoryPool { get; }

    public TimeProvider Clock { get; }

    public Action<long, EndPoint?>? ConnectionOpened { get; }

    public Action<long, EndPoint?>? ConnectionClosed { get; }

    public AppProtocolMetrics Metrics { get; }

    /// <summary>The PROXY protocol's settings, or <see langword="null"/> when it is off.</summary>
    public Proxy.ProxySettings? ProxyProtocol { get; }

    /// <summary>The exchange middleware and the handler, composed, with the error mapping around them.</summary>
    public FrameHandler Pipeline { get; }

    public ILogger Logger { get; }

    /// <summary>Calls a connection callback; what it throws is logged, never thrown.</summary>
    public void Notify(Action<long, System.Net.EndPoint?>? callback, FrameServerConnection connection)
    {
        try
        {
            callback?.Invoke(connection.Id, connection.Context.RemoteEndPoint);
        }
        catch (Exception ex)
        {
            Diagnostics.ServerLog.CallbackFailed(Logger, connection.Id, ex);
        }
    }
}
