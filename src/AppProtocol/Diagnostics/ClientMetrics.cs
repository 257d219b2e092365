using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AppProtocol.Diagnostics;

/// <summary>The client's instruments on the <c>AppProtocol</c> meter.</summary>
/// <remarks>
/// <c>appprotocol.client.request.duration</c> (histogram, seconds, the server's bucket advice; with <c>error.type</c>
/// when the call failed), <c>appprotocol.client.active_requests</c> (up-down counter),
/// <c>appprotocol.client.open_connections</c> (observable up-down counter) and <c>appprotocol.client.errors</c>
/// (counter, by <c>error.type</c>: an error reply's code, a <see cref="Framing.ProtocolError"/> name, <c>timeout</c>,
/// <c>connection</c>, <c>cancelled</c>, else the exception's type). Every measurement carries the
/// <see cref="ClientTarget"/>'s tags: <c>network.transport</c>, <c>server.address</c>, <c>server.port</c>.
/// </remarks>
internal sealed class ClientMetrics
{
    public static readonly ClientMetrics Shared = new(new Meter(AppProtocolDiagnostics.MeterName));

    private readonly List<WeakReference<ClientTarget>> _targets = [];
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _activeRequests;
    private readonly Counter<long> _errors;

    private ClientMetrics(Meter meter)
    {
        _duration = meter.CreateHistogram("appprotocol.client.request.duration", "s", "Time from a call to its response (or failure), retries on new connections included.", tags: null, AppProtocolMetrics.DurationBuckets);
        _activeRequests = meter.CreateUpDownCounter<long>("appprotocol.client.active_requests", "{request}", "Calls waiting for their response.");
        _errors = meter.CreateCounter<long>("appprotocol.client.errors", "{error}", "Calls that failed, by reason.");
        meter.CreateObservableUpDownCounter("appprotocol.client.open_connections", ObserveConnections, "{connection}", "Connections open to servers.");
    }

    /// <summary>Whether anyone listens to a per-call instrument; the client reads the clock and counts only then.</summary>
    public bool Enabled => _duration.Enabled || _activeRequests.Enabled || _errors.Enabled;

    /// <summary>Counts a client's connections while it lives.</summary>
    public void Track(ClientTarget target)
    {
        lock (_targets)
        {
            _targets.RemoveAll(static t => !t.TryGetTarget(out _));
            _targets.Add(new WeakReference<ClientTarget>(target));
        }
    }

    public void RequestStarted(ClientTarget target) => _activeRequests.Add(1, target.Tags);

    public void RequestEnded(ClientTarget target, long startTimestamp, string? errorType)
    {
        _activeRequests.Add(-1, target.Tags);
        if (errorType is not null)
        {
            _errors.Add(1, target.With(AppProtocolMetrics.ErrorTypeTag, errorType));
        }

        if (_duration.Enabled)
        {
            double seconds = Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
            _duration.Record(seconds, errorType is null ? target.Tags : target.With(AppProtocolMetrics.ErrorTypeTag, errorType));
        }
    }

    private List<Measurement<long>> ObserveConnections()
    {
        var measurements = new List<Measurement<long>>();
        lock (_targets)
        {
            foreach (WeakReference<ClientTarget> reference in _targets)
            {
                if (reference.TryGetTarget(out ClientTarget? target))
                {
                    measurements.Add(new Measurement<long>(target.OpenConnections(), target.Tags));
                }
            }
        }

        return measurements;
    }
}
