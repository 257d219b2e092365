namespace AppProtocol.LoadTest;

/// <summary>The phase of a run, shared by its workers: they record only while measuring and stop sending once stopping.</summary>
internal sealed class RunControl(long? requestsPerWorker)
{
    private volatile bool _measuring;
    private volatile bool _stopping;

    public bool Measuring => _measuring;

    public bool Stopping => _stopping;

    /// <summary>In request-count mode, how many requests each worker sends while measuring.</summary>
    public long? RequestsPerWorker { get; } = requestsPerWorker;

    public void StartMeasuring() => _measuring = true;

    public void Stop()
    {
        _measuring = false;
        _stopping = true;
    }
}
