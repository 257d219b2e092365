using System.Buffers;
using System.Diagnostics.Metrics;
using System.Net;
using AppProtocol.Framing;
using AppProtocol.Proxy;
using AppProtocol.Transport;

namespace AppProtocol.Server;

/// <summary>Settings of a <see cref="FrameServer"/> (or of AppProtocol on a Kestrel endpoint).</summary>
/// <remarks>
/// Each setter validates its value and throws <see cref="ArgumentOutOfRangeException"/> naming the setting. The
/// server takes a snapshot when it starts: later changes apply to the next start only. The settings made of
/// plain values bind from <c>IConfiguration</c> (listen addresses with a certificate path, limits, timeouts); the
/// others (pool, clock, meter factory, callbacks, TLS objects) are set in code.
/// </remarks>
public sealed class FrameServerOptions
{
    /// <summary>The addresses to listen on, each with its own TLS settings; at least one for a <see cref="FrameServer"/>.</summary>
    public IList<ListenAddress> Listen { get; } = [];

    /// <summary>Limits every request frame must respect; a frame over them closes its connection.</summary>
    public FrameLimits Limits { get; set => field = value ?? throw new ArgumentNullException(nameof(Limits)); } = new();

    /// <summary>
    /// Requests whose <c>content-length</c> is above this many bytes are streamed: the handler runs once the header has
    /// arrived and reads the content as it comes, with backpressure (<see cref="FrameExchange.RequestContent"/>), up to
    /// <see cref="MaxStreamedContentLength"/>; the others are buffered whole, up to <see cref="Limits"/>'s
    /// <see cref="FrameLimits.MaxContentLength"/>, as <see cref="FrameExchange.Request"/>. <see langword="null"/> (the
    /// default) buffers every request: turn it on only for handlers that read <see cref="FrameExchange.RequestContent"/>
    /// (or check <see cref="FrameExchange.IsRequestContentStreamed"/>). From 0.
    /// </summary>
    public long? RequestStreamingThreshold { get; set => field = value is null or >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(RequestStreamingThreshold), value, "RequestStreamingThreshold must not be negative."); }

    /// <summary>The default <see cref="MaxStreamedContentLength"/>: 64 GiB.</summary>
    public const long DefaultMaxStreamedContentLength = 64L * 1024 * 1024 * 1024;

    /// <summary>
    /// The largest <c>content-length</c> of a streamed request (see <see cref="RequestStreamingThreshold"/>); a request
    /// over it gets a bad-request error reply before any of its content is read, and its connection closes. Default
    /// 64 GiB; from 0 to <see cref="FrameLimits.MaxSupportedContentLength"/>.
    /// </summary>
    public long MaxStreamedContentLength { get; set => field = value is >= 0 and <= FrameLimits.MaxSupportedContentLength ? value : throw new ArgumentOutOfRangeException(nameof(MaxStreamedContentLength), value, $"MaxStreamedContentLength must be from 0 to {FrameLimits.MaxSupportedContentLength}."); } = DefaultMaxStreamedContentLength;

    /// <summary>
    /// The slowest a client may send a streamed request's content: once a read of it has waited, in all, longer than the
    /// grace period plus the bytes read so far at this rate, the connection is closed (a timeout in the logs and the
    /// metrics). Only the time the server waits for the client counts, never the handler's own. Default 240 bytes per
    /// second after 5 seconds, as Kestrel's <c>MinRequestBodyDataRate</c>; <see langword="null"/> disables it.
    /// </summary>
    public DataRate? MinRequestDataRate { get; set; } = new(240, TimeSpan.FromSeconds(5));

    /// <summary>How long a connection may send nothing between frames before it is closed. Default 2 minutes; <see cref="Timeout.InfiniteTimeSpan"/> disables it.</summary>
    public TimeSpan IdleTimeout { get; set => field = Checked(value, nameof(IdleTimeout)); } = TimeSpan.FromMinutes(2);

    /// <summary>How long a whole frame may take to arrive, counted from its first byte, so that a slow trickle cannot hold a connection (slowloris). Default 30 seconds.</summary>
    public TimeSpan FrameTimeout { get; set => field = Checked(value, nameof(FrameTimeout)); } = TimeSpan.FromSeconds(30);

    /// <summary>How long <see cref="FrameServer.StopAsync"/> lets exchanges in flight finish before it aborts their connections. Default 30 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set => field = Checked(value, nameof(ShutdownTimeout)); } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When the server stops, how long a connection that has just answered (or was just accepted) may still send one
    /// more request, which is answered with <c>"connection": "close"</c> (docs/PROTOCOL.md, E2); connections idle for
    /// longer close at once. A client that sends its next request right after an answer then never meets a closed
    /// connection. Default 1 second; <see cref="TimeSpan.Zero"/> closes every idle connection at once.
    /// </summary>
    public TimeSpan DrainGracePeriod { get; set => field = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(DrainGracePeriod), value, "DrainGracePeriod must not be negative."); } = TimeSpan.FromSeconds(1);

    /// <summary>How long a TLS handshake may take. Default 10 seconds.</summary>
    public TimeSpan TlsHandshakeTimeout { get; set => field = Checked(value, nameof(TlsHandshakeTimeout)); } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The slowest a peer may read responses: a write that the peer leaves unread for longer than
    /// <see cref="MinResponseDataRate"/>'s grace period plus its size at this rate closes the connection, so that a
    /// client that stops reading cannot hold it forever. Default 240 bytes per second after 5 seconds, as Kestrel's;
    /// <see langword="null"/> disables it.
    /// </summary>
    public DataRate? MinResponseDataRate { get; set; } = new(240, TimeSpan.FromSeconds(5));

    /// <summary>Connections served at once; a connection over it is accepted and closed at once. Default 10,000.</summary>
    public int MaxConcurrentConnections { get; set => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxConcurrentConnections), value, "MaxConcurrentConnections must be at least 1."); } = 10_000;

    /// <summary>Whether to close each connection after its first response, as the reference server does. Default <see langword="false"/> (keep-alive).</summary>
    public bool CloseAfterResponse { get; set; }

    /// <summary>
    /// Whether, once a surge of at least 1,000 connections has fallen to a quarter and stayed there for 10 seconds, the
    /// server runs one aggressive garbage collection so that the memory the surge needed goes back to the system.
    /// Default <see langword="true"/>. It blocks the process for a moment (milliseconds with a small live heap); turn it
    /// off where the host manages collections itself.
    /// </summary>
    public bool TrimMemoryAfterSurge { get; set; } = true;

    /// <summary>The pending-connection queue length of each socket listener. Default 512.</summary>
    public int Backlog { get; set => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Backlog), value, "Backlog must be at least 1."); } = 512;

    /// <summary>Where connections rent their read and write buffers; <see cref="MemoryPool{T}.Shared"/> when <see langword="null"/>. Every buffer is returned when its connection closes.</summary>
    public MemoryPool<byte>? MemoryPool { get; set; }

    /// <summary>The clock for timeouts and durations; tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; set => field = value ?? throw new ArgumentNullException(nameof(TimeProvider)); } = TimeProvider.System;

    /// <summary>Creates the <c>AppProtocol</c> meter; <see langword="null"/> uses a shared one.</summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>
    /// The PROXY protocol (HAProxy's, versions 1 and 2) in front of every connection, before TLS: a trusted proxy's
    /// header names the original client, whom handlers, logs and callbacks then see. <see langword="null"/> (the
    /// default) turns it off. On Kestrel, use <c>ListenOptions.UseProxyProtocol</c> before <c>UseHttps</c> instead:
    /// this one runs inside the AppProtocol handler, after Kestrel's TLS.
    /// </summary>
    public ProxyProtocolOptions? ProxyProtocol { get; set; }

    /// <summary>Called when a connection is ready for frames (after its connection middleware: a TLS handshake, a PROXY header), with its number and the client's end point. Must not throw (exceptions are logged).</summary>
    public Action<long, EndPoint?>? ConnectionOpened { get; set; }

    /// <summary>Called when a connection that <see cref="ConnectionOpened"/> was called for is closed, with its number and the client's end point. Must not throw (exceptions are logged).</summary>
    public Action<long, EndPoint?>? ConnectionClosed { get; set; }

    private static TimeSpan Checked(TimeSpan value, string setting) =>
        value > TimeSpan.Zero || value == Timeout.InfiniteTimeSpan
            ? value
            : throw new ArgumentOutOfRangeException(setting, value, $"{setting} must be positive or Timeout.InfiniteTimeSpan.");
}
