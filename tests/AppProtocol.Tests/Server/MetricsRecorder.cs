using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AppProtocol.Diagnostics;

namespace AppProtocol.Tests.Server;

/// <summary>
/// Gives a server its own meter (scoped to this recorder, so tests running in parallel don't mix) and records
/// every measurement on it with a <see cref="MeterListener"/>.
/// </summary>
public sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, string? ErrorType)> _measurements = new();

    public MetricsRecorder()
    {
        Factory = new ScopedMeterFactory(this);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, this))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public IMeterFactory Factory { get; }

    public double Sum(string instrument, string? errorType = null) =>
        _measurements.Where(m => m.Instrument == instrument && (errorType is null || m.ErrorType == errorType)).Sum(m => m.Value);

    public int Count(string instrument) => _measurements.Count(m => m.Instrument == instrument);

    public IReadOnlyList<double> Values(string instrument) => [.. _measurements.Where(m => m.Instrument == instrument).Select(m => m.Value)];

    public void Dispose()
    {
        _listener.Dispose();
        Factory.Dispose();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? errorType = null;
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == AppProtocolMetrics.ErrorTypeTag)
            {
                errorType = (string?)tag.Value;
            }
        }

        _measurements.Enqueue((instrument.Name, value, errorType));
    }

    private sealed class ScopedMeterFactory(object scope) : IMeterFactory
    {
        private readonly ConcurrentBag<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Scope = scope });
            _meters.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (Meter meter in _meters)
            {
                meter.Dispose();
            }
        }
    }
}
