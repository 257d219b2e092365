using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;

namespace AppProtocol.Diagnostics;

/// <summary>The instruments of the <c>AppProtocol</c> meter.</summary>
/// <remarks>
/// Instruments: <c>appprotocol.server.active_connections</c> (up-down counter), <c>appprotocol.server.frames_received</c>,
/// <c>appprotocol.server.frames_sent</c>, <c>appprotocol.server.bytes_received</c>, <c>appprotocol.server.bytes_sent</c>,
/// <c>appprotocol.server.errors</c> (tag <c>error.type</c>: a <see cref="Framing.ProtocolError"/> name, a
/// <see cref="Proxy.ProxyProtocolError"/> name (a PROXY protocol header refused), or
/// <c>timeout</c>, <c>handler</c>, <c>io</c>, <c>tls</c>, <c>connection_limit</c>) and
/// <c>appprotocol.server.exchange.duration</c> (histogram, seconds; with <c>error.type</c> when the exchange failed).
/// Every measurement carries the <see cref="MetricTags"/> of the address its connection came in on.
/// </remarks>
internal sealed class AppProtocolMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = AppProtocolDiagnostics.MeterName;

    /// <summary>The tag that carries an error's reason.</summary>
    public const string ErrorTypeTag = "error.type";

    private static readonly Meter SharedMeter = new(MeterName);

    // Servers and clients alike. From 100 µs to 10 s: OpenTelemetry's default buckets start at 5 ms (for HTTP in milliseconds), where every exchange of a
    // local server would land in the first one.
    internal static readonly InstrumentAdvice<double> DurationBuckets = new()
    {
        HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };

    private readonly ConcurrentDictionary<EndPoint, MetricTags> _tagsByEndPoint = new();
    private readonly MetricTags _noEndPoint = new(null);

    private readonly UpDownCounter<long> _activeConnections;
    private readonly Counter<long> _framesReceived;
    private readonly Counter<long> _framesSent;
    private readonly Counter<long> _bytesReceived;
    private readonly Counter<long> _bytesSent;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _exchangeDuration;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>, or on a shared meter when it is <see langword="null"/>.</summary>
    /// <param name="meterFactory">The factory (dependency injection's), or <see langword="null"/>.</param>
    public AppProtocolMetrics(IMeterFactory? meterFactory = null)
    {
        Meter meter = meterFactory?.Create(MeterName) ?? SharedMeter;
        _activeConnections = meter.CreateUpDownCounter<long>("appprotocol.server.active_connections", "{connection}", "Connections being served.");
        _framesReceived = meter.CreateCounter<long>("appprotocol.server.frames_received", "{frame}", "Request frames received.");
        _framesSent = meter.CreateCounter<long>("appprotocol.server.frames_sent", "{frame}", "Response frames sent.");
        _bytesReceived = meter.CreateCounter<long>("appprotocol.server.bytes_received", "By", "Bytes of request frames received.");
        _bytesSent = meter.CreateCounter<long>("appprotocol.server.bytes_sent", "By", "Bytes of response frames sent.");
        _errors = meter.CreateCounter<long>("appprotocol.server.errors", "{error}", "Connections ended by an error, by reason.");
        _exchangeDuration = meter.CreateHistogram("appprotocol.server.exchange.duration", "s", "Time from a whole request frame to its response written.", tags: null, DurationBuckets);
    }

    /// <summary>The tags of connections that came in on <paramref name="listen"/>: made once per end point.</summary>
    internal MetricTags TagsFor(EndPoint? listen) =>
        listen is null ? _noEndPoint : _tagsByEndPoint.GetOrAdd(listen, static e => new MetricTags(e));

    internal void ConnectionOpened(MetricTags tags) => _activeConnections.Add(1, tags.List);

    internal void ConnectionClosed(MetricTags tags) => _activeConnections.Add(-1, tags.List);

    internal void FrameReceived(long bytes, MetricTags tags)
    {
        if (_framesReceived.Enabled || _bytesReceived.Enabled)
        {
            _framesReceived.Add(1, tags.List);
            _bytesReceived.Add(bytes, tags.List);
        }
    }

    internal void FrameSent(long bytes, MetricTags tags)
    {
        if (_framesSent.Enabled || _bytesSent.Enabled)
        {
            _framesSent.Add(1, tags.List);
            _bytesSent.Add(bytes, tags.List);
        }
    }

    internal void Error(string reason, MetricTags tags) => _errors.Add(1, tags.With(ErrorTypeTag, reason));

    /// <summary>Whether anyone listens to exchange durations; the server reads the clock per exchange only then.</summary>
    internal bool TimesExchanges => _exchangeDuration.Enabled;

    internal void ExchangeCompleted(long? startTimestamp, TimeProvider timeProvider, MetricTags tags, string? errorType)
    {
        if (startTimestamp is { } start && _exchangeDuration.Enabled)
        {
            double seconds = timeProvider.GetElapsedTime(start).TotalSeconds;
            _exchangeDuration.Record(seconds, errorType is null ? tags.List : tags.With(ErrorTypeTag, errorType));
        }
    }

    internal static class Reasons
    {
        public const string Timeout = "timeout";
        public const string Handler = "handler";
        public const string Io = "io";
        public const string Tls = "tls";
        public const string ConnectionLimit = "connection_limit";
    }
}
