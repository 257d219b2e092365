using System.Diagnostics;
using AppProtocol.Client;
using AppProtocol.Framing;

namespace AppProtocol.LoadTest;

/// <summary>One caller of a shared <see cref="FrameClient"/>, as the README shows it: a loop of <c>await client.SendAsync(request)</c>
/// (or, leasing, <c>using FrameLease lease = await client.SendLeasedAsync(request)</c>).</summary>
/// <remarks>Uses only the client's public API. Every response is checked with <see cref="Workload.IsExpected"/> and timed on its own.</remarks>
internal sealed class FrameClientCaller(FrameClient client, Workload workload, RunControl control, bool lease) : ILoadWorker
{
    private const int MaxConsecutiveErrors = 5;

    // Bytes of one exchange on the wire, for MB/s: the request, and the first right answer as the library encodes it.
    private long _exchangeBytes;

    public ConnectionStats Stats { get; } = new();

    // Disposing fails every pending call of the client with ObjectDisposedException; the client's other callers end too.
    public void Abort() => _ = client.DisposeAsync().AsTask();

    public async Task RunAsync()
    {
        int consecutiveErrors = 0;
        long sentWhileMeasuring = 0;
        while (!control.Stopping && !(control.Measuring && sentWhileMeasuring >= control.RequestsPerWorker))
        {
            bool measuring = control.Measuring;
            sentWhileMeasuring += measuring ? 1 : 0;
            long started = Stopwatch.GetTimestamp();
            try
            {
                if (lease)
                {
                    using FrameLease leased = await client.SendLeasedAsync(workload.RequestFrame);
                    Answered(leased.Frame, measuring, started);
                }
                else
                {
                    Answered(await client.SendAsync(workload.RequestFrame), measuring, started);
                }

                consecutiveErrors = 0;
            }
            catch (FrameErrorReplyException)
            {
                // A well-formed answer, but not the one asked for.
                Stats.Mismatches++;
            }
            catch (Exception ex) when (ex is IOException or TimeoutException or ObjectDisposedException)
            {
                if (control.Stopping && ex is ObjectDisposedException)
                {
                    return;
                }

                Stats.Errors++;
                Stats.FirstError ??= $"{ex.GetType().Name}: {ex.Message}";
                if (++consecutiveErrors >= MaxConsecutiveErrors)
                {
                    return;
                }
            }
        }
    }

    private void Answered(in Frame response, bool measuring, long started)
    {
        if (!workload.IsExpected(response))
        {
            Stats.Mismatches++;
        }
        else if (_exchangeBytes == 0)
        {
            _exchangeBytes = workload.Request.Length + Workload.Encode(response).Length;
        }

        if (measuring && control.Measuring)
        {
            Stats.Requests++;
            Stats.Bytes += _exchangeBytes;
            Stats.Latency.Record((long)Stopwatch.GetElapsedTime(started).TotalNanoseconds);
        }
    }
}
