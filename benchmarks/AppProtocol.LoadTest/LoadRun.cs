using System.Diagnostics;
using System.Net;

namespace AppProtocol.LoadTest;

/// <summary>Runs the workers of one run against one target: warm-up, then a measured window of a duration or a request count.</summary>
internal static class LoadRun
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    /// <summary>The tool's own raw connections: C connections with up to D requests in flight each.</summary>
    public static async Task<RunResult> RunRawAsync(LoadOptions options, Workload workload, Target target)
    {
        EndPoint endPoint = await ResolveAsync(target);
        int depth = options.InFlight;
        byte[] requests = new byte[workload.Request.Length * depth];
        for (int i = 0; i < depth; i++)
        {
            workload.Request.CopyTo(requests, i * workload.Request.Length);
        }

        var control = new RunControl(options.Requests is { } total ? Math.Max(1, total / options.Connections) : null);
        var connections = new ILoadWorker[options.Connections];
        for (int i = 0; i < connections.Length; i++)
        {
            IPAddress? source = SourceAddress.For(options.Mode, endPoint, i);
            connections[i] = new LoadConnection(endPoint, source, workload, options.Mode, depth, requests, control);
        }

        return await MeasureAsync(options, target, target.Name, control, connections);
    }

    /// <summary>Starts <paramref name="workers"/>, measures them after the warm-up, stops them and sums what they counted.</summary>
    public static async Task<RunResult> MeasureAsync(LoadOptions options, Target target, string name, RunControl control, IReadOnlyList<ILoadWorker> workers)
    {
        Task all = Task.WhenAll(workers.Select(w => w.RunAsync()));
        await Task.WhenAny(all, Task.Delay(options.Warmup));
        CpuTime clientCpu = CpuClock.Self();
        CpuTime? serverCpu = CpuClock.Of(target.ProcessId);
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        long started = Stopwatch.GetTimestamp();
        control.StartMeasuring();

        if (control.RequestsPerWorker is null)
        {
            await Task.WhenAny(all, Task.Delay(options.Duration));
        }
        else
        {
            await all;
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        control.Stop();
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        clientCpu = CpuClock.Self() - clientCpu;
        serverCpu = CpuClock.Of(target.ProcessId) - serverCpu;

        // Workers finish the requests in flight; a server that stops answering is cut off.
        if (await Task.WhenAny(all, Task.Delay(Grace)) != all)
        {
            foreach (ILoadWorker worker in workers)
            {
                worker.Abort();
            }

            await all;
        }

        var stats = new ConnectionStats();
        foreach (ILoadWorker worker in workers)
        {
            stats.Add(worker.Stats);
        }

        return new RunResult(name, elapsed, stats, clientCpu, allocated, serverCpu);
    }

    public static async Task<EndPoint> ResolveAsync(Target target)
    {
        if (IPAddress.TryParse(target.Host, out IPAddress? address))
        {
            return new IPEndPoint(address, target.Port);
        }

        IPAddress[] addresses = await Dns.GetHostAddressesAsync(target.Host);
        return new IPEndPoint(addresses[0], target.Port);
    }
}
