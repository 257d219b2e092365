using System.Diagnostics.Metrics;

namespace AppProtocol.Diagnostics;

/// <summary>The instruments of the <c>AppProtocol</c> meter.</summary>
/// <remarks>
/// Instruments: <c>appprotocol.server.active_connections</c> (up-down counter), <c>appprotocol.server.frames_received</c>,
/// <c>appprotocol.server.frames_sent</c>, <c>appprotocol.server.bytes_received</c>, <c>appprotocol.server.bytes_sent</c>,
/// <c>appprotocol.server.errors</c> (tag <c>error.type</c>: a <see cref="Framing.ProtocolError"/> name, or
/// <c>timeout</c>, <c>handler</c>, <c>io</c>, <c>tls</c>, <c>connection_limit</c>) and
/// <c>appprotocol.server.exchange.duration</c> (histogram, seconds).
/// </remarks>
internal sealed class AppProtocolMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "AppProtocol";

    /// <summary>The tag that carries an error's reason.</summary>
    public const string ErrorTypeTag = "error.type";

    private static readonly Meter SharedMeter = new(MeterName);

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
        _exchangeDuration = meter.CreateHistogram<double>("appprotocol.server.exchange.duration", "s", "Time from a whole request frame to its response written.");
    }

    internal void ConnectionOpened() => _activeConnections.Add(1);

    internal void ConnectionClosed() => _activeConnections.Add(-1);

    internal void FrameReceived(long bytes)
    {
        _framesReceived.Add(1);
        _bytesReceived.Add(bytes);
    }

    internal void FrameSent(long bytes)
    {
        _framesSent.Add(1);
        _bytesSent.Add(bytes);
    }

    internal void Error(string reason) => _errors.Add(1, new KeyValuePair<string, object?>(ErrorTypeTag, reason));

    /// <summary>Whether anyone listens to exchange durations; the server reads the clock per exchange only then.</summary>
    internal bool TimesExchanges => _exchangeDuration.Enabled;

    internal void ExchangeCompleted(long? startTimestamp, TimeProvider timeProvider)
    {
        if (startTimestamp is { } start && _exchangeDuration.Enabled)
        {
            _exchangeDuration.Record(timeProvider.GetElapsedTime(start).TotalSeconds);
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
