namespace AppProtocol.LoadTest;

/// <summary>What one connection counted; owned by that connection while it runs, summed afterwards, so nothing is shared on the hot path.</summary>
internal sealed class ConnectionStats
{
    public LatencyHistogram Latency { get; } = new();

    /// <summary>Responses received while measuring.</summary>
    public long Requests { get; set; }

    /// <summary>Request and response bytes of those exchanges.</summary>
    public long Bytes { get; set; }

    /// <summary>Failed connections, broken frames and unexpected closes, during warm-up too.</summary>
    public long Errors { get; set; }

    /// <summary>Well-formed responses with the wrong answer, during warm-up too.</summary>
    public long Mismatches { get; set; }

    /// <summary>The first error's message, to show what went wrong.</summary>
    public string? FirstError { get; set; }

    public void Add(ConnectionStats other)
    {
        Latency.Add(other.Latency);
        Requests += other.Requests;
        Bytes += other.Bytes;
        Errors += other.Errors;
        Mismatches += other.Mismatches;
        FirstError ??= other.FirstError;
    }
}
