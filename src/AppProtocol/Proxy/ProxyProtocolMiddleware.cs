using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using AppProtocol.Diagnostics;
using AppProtocol.Server;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AppProtocol.Proxy;

/// <summary>
/// Connection middleware for the PROXY protocol (HAProxy's, versions 1 and 2): reads the header a trusted proxy
/// sends first on each connection, then the connection is the original client's: its
/// <c>RemoteEndPoint</c> and <c>LocalEndPoint</c> become the
/// header's source and destination, so that handlers, logs and callbacks see them, and the header is the
/// connection's <see cref="IProxyProtocolFeature"/>.
/// </summary>
/// <remarks>
/// <para>
/// It must run first: the header precedes everything on the wire, a TLS handshake included. The library's server
/// places it so (<see cref="FrameServerOptions.ProxyProtocol"/>, <see cref="FrameServerBuilder.UseProxyProtocol"/>);
/// on Kestrel, <c>ListenOptions.UseProxyProtocol</c> (AppProtocol.AspNetCore) goes before <c>UseHttps</c>.
/// </para>
/// <para>
/// What each peer gets is in <see cref="ProxyProtocolOptions"/>. A LOCAL header (a proxy's health check), <c>UNKNOWN</c>
/// and the families other than TCP over IPv4 or IPv6 keep the connection's own end points, as the specification says.
/// A malformed header, or none where one is required, closes the connection with a warning and an error counted on
/// <c>appprotocol.server.errors</c> with <c>error.type</c> the <see cref="ProxyProtocolError"/> broken. A peer that
/// closes without sending a byte (a TCP health check) is closed quietly, as it is without the PROXY protocol.
/// </para>
/// <para>
/// The header must arrive within <see cref="ProxyProtocolOptions.HeaderTimeout"/>: under the library's server, as the
/// connection's deadline, which its heartbeat checks (counted and logged as a <c>timeout</c>); on another host, with
/// a timer. The header is read from <see cref="ConnectionContext.Transport"/>, and the bytes after it are left there
/// for what follows (Kestrel's <c>UseHttps</c> reads the pipe too).
/// </para>
/// </remarks>
public sealed partial class ProxyProtocolMiddleware
{
    private readonly ConnectionDelegate _next;
    private readonly ProxySettings _settings;
    private readonly ILogger _logger;
    private readonly AppProtocolMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly bool _bytesAfterHeaderToStream;

    /// <summary>Creates the middleware, for a host other than the library's server (Kestrel, or a pipeline of your own).</summary>
    /// <param name="next">The rest of the connection's pipeline.</param>
    /// <param name="options">The settings, snapshotted now.</param>
    /// <param name="loggerFactory">Where its log lines go (the <c>AppProtocol.Server.FrameServer</c> category); none when <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the <c>AppProtocol</c> meter for its error counts; a shared one when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock of the header timeout; the system's when <see langword="null"/>.</param>
    public ProxyProtocolMiddleware(ConnectionDelegate next, ProxyProtocolOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
        : this(
            next ?? throw new ArgumentNullException(nameof(next)),
            (options ?? throw new ArgumentNullException(nameof(options))).Snapshot(),
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<FrameServer>(),
            new AppProtocolMetrics(meterFactory),
            timeProvider ?? TimeProvider.System,
            bytesAfterHeaderToStream: false)
    {
    }

    // For the library's server, with its logger, meter and clock. bytesAfterHeaderToStream: whether TLS over the
    // transport's stream follows (the library's TLS), which must then get the bytes read past the header.
    internal ProxyProtocolMiddleware(ConnectionDelegate next, ProxySettings settings, ILogger logger, AppProtocolMetrics metrics, TimeProvider clock, bool bytesAfterHeaderToStream)
    {
        _next = next;
        _settings = settings;
        _logger = logger;
        _metrics = metrics;
        _clock = clock;
        _bytesAfterHeaderToStream = bytesAfterHeaderToStream;
    }

    /// <summary>Reads the connection's header, then runs the rest of the pipeline as the original client's connection; or refuses it.</summary>
    /// <param name="context">The connection.</param>
    /// <returns>A task that completes when the connection is done.</returns>
    public Task OnConnectionAsync(ConnectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_settings.Trust.Trusts(context))
        {
            return ServeAsync(context);
        }

        if (!_settings.Required)
        {
            return _next(context);
        }

        Refuse(context, ProxyProtocolError.ProxyPeerNotTrusted, null);
        return Task.CompletedTask;
    }

    private async Task ServeAsync(ConnectionContext context)
    {
        EndPoint? proxy = context.RemoteEndPoint;
        HeaderRead read = await ReadWithinTimeoutAsync(context).ConfigureAwait(false);
        if (read.Refused)
        {
            return;
        }

        if (read.Header is { } header)
        {
            Apply(context, header, proxy);
        }
        else if (_logger.IsEnabled(LogLevel.Debug))
        {
            ServerLog.ProxyHeaderAbsent(_logger, Id(context), proxy);
        }

        await _next(context).ConfigureAwait(false);
    }

    private void Apply(ConnectionContext context, ProxyHeader header, EndPoint? proxy)
    {
        context.Features.Set<IProxyProtocolFeature>(new ProxyProtocolFeature(header, proxy));
        if (header.Command == ProxyCommand.Proxy && header.Source is { } source && header.Destination is { } destination)
        {
            // As the transports show them: an IPv4 client as IPv4, even from an IPv6 header.
            context.RemoteEndPoint = Normalize(source);
            context.LocalEndPoint = Normalize(destination);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                ServerLog.ProxyHeaderAccepted(_logger, Id(context), proxy, context.RemoteEndPoint, context.LocalEndPoint, header.Version);
            }
        }
        else if (_logger.IsEnabled(LogLevel.Debug))
        {
            ServerLog.ProxyHeaderKeptEndPoints(_logger, Id(context), proxy, header.Version, header.Command, header.AddressFamily);
        }
    }

    private void Refuse(ConnectionContext context, ProxyProtocolError error, ProxyProtocolException? exception)
    {
        _metrics.Error(error.ToString(), Tags(context));
        string id = Id(context);
        switch (error)
        {
            case ProxyProtocolError.ProxyPeerNotTrusted:
                ServerLog.ProxyPeerNotTrusted(_logger, id, context.RemoteEndPoint);
                break;
            case ProxyProtocolError.ProxyHeaderMissing:
                ServerLog.ProxyHeaderMissing(_logger, id, context.RemoteEndPoint);
                break;
            default:
                ServerLog.ProxyHeaderInvalid(_logger, id, context.RemoteEndPoint, error, exception!);
                break;
        }
    }

    private MetricTags Tags(ConnectionContext context) =>
        context.Features.Get<FrameServerConnection>()?.Tags ?? _metrics.TagsFor(context.LocalEndPoint);

    // The server's number under the library's server, as its other log lines give it; the host's id elsewhere.
    private static string Id(ConnectionContext context) =>
        context.Features.Get<FrameServerConnection>()?.Id.ToString(CultureInfo.InvariantCulture) ?? context.ConnectionId;

    private static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    /// <summary>What reading the header gave: a header, none (a direct client where one is not required), or a refusal (logged and counted, or the peer gone).</summary>
    private readonly record struct HeaderRead(ProxyHeader? Header, bool Refused)
    {
        public static HeaderRead Direct => default;

        public static HeaderRead Closed => new(null, true);
    }
}
