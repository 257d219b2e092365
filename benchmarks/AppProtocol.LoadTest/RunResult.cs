using System.Globalization;

namespace AppProtocol.LoadTest;

/// <summary>The figures of one measured run.</summary>
internal sealed record RunResult(string Target, TimeSpan Elapsed, ConnectionStats Stats, CpuTime ClientCpu, long ClientAllocatedBytes, CpuTime? ServerCpu)
{
    public double RequestsPerSecond => Stats.Requests / Elapsed.TotalSeconds;

    public double MegabytesPerSecond => Stats.Bytes / Elapsed.TotalSeconds / 1e6;

    public double P50Ms => Milliseconds(50);

    public double P99Ms => Milliseconds(99);

    public double P999Ms => Milliseconds(99.9);

    /// <summary>The tool's own CPU time per measured request: what it costs to be the load.</summary>
    public double ClientMicrosecondsPerRequest => ClientCpu.Total.TotalMicroseconds / Math.Max(1, Stats.Requests);

    public double ClientUserMicrosecondsPerRequest => ClientCpu.User.TotalMicroseconds / Math.Max(1, Stats.Requests);

    public double? ServerMicrosecondsPerRequest => ServerCpu?.Total.TotalMicroseconds / Math.Max(1, Stats.Requests);

    public double? ServerUserMicrosecondsPerRequest => ServerCpu?.User.TotalMicroseconds / Math.Max(1, Stats.Requests);

    public double AllocatedBytesPerRequest => ClientAllocatedBytes / (double)Math.Max(1, Stats.Requests);

    public bool Failed => Stats.Errors > 0 || Stats.Mismatches > 0 || Stats.Requests == 0;

    public override string ToString()
    {
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"{Target}: {RequestsPerSecond,10:N0} req/s {MegabytesPerSecond,8:N2} MB/s  latency p50 {P50Ms:N3} p99 {P99Ms:N3} p99.9 {P999Ms:N3} max {Stats.Latency.Max / 1e6:N3} ms  "
            + $"requests {Stats.Requests} errors {Stats.Errors} mismatches {Stats.Mismatches}  CPU client {Percent(ClientCpu.Total)} ({ClientMicrosecondsPerRequest:N2} us/req, {ClientUserMicrosecondsPerRequest:N2} of them user; {AllocatedBytesPerRequest:N0} B/req allocated)");
        if (ServerCpu is { } server)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" server {Percent(server.Total)} ({ServerMicrosecondsPerRequest:N2} us/req, {ServerUserMicrosecondsPerRequest:N2} of them user)");
        }

        return Stats.FirstError is null ? text : $"{text}\n  first error: {Stats.FirstError}";
    }

    private double Milliseconds(double percentile) => Stats.Latency.ValueAtPercentile(percentile) / 1e6;

    private string Percent(TimeSpan cpu) => string.Create(CultureInfo.InvariantCulture, $"{cpu / Elapsed * 100:N0}%");
}
