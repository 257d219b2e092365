using System.Diagnostics;
using System.Net;

namespace AppProtocol.LoadTest;

/// <summary>Runs C connections against one target: warm-up, then a measured window of a duration or a request count.</summary>
internal static class LoadRun
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    public static async Task<RunResult> RunAsync(LoadOptions options, Workload workload, Target target)
    {
        EndPoint endPoint = await ResolveAsync(target);
        int depth = options.InFlight;
        byte[] requests = new byte[workload.Request.Length * depth];
        for (int i = 0; i < depth; i++)
        {
            workload.Request.CopyTo(requests, i * workload.Request.Length);
        }

        long? quota = options.Requests is { } total ? Math.Max(1, total / options.Connections) : null;
        var control = new RunControl(quota);
        var connections = new LoadConnection[options.Connections];
        var tasks = new Task[connections.Length];
        for (int i = 0; i < connections.Length; i++)
        {
            connections[i] = new LoadConnection(endPoint, workload, options.Mode, depth, requests, control);
            tasks[i] = connections[i].RunAsync();
        }

        Task all = Task.WhenAll(tasks);
        await Task.WhenAny(all, Task.Delay(options.Warmup));
        TimeSpan clientCpu = CpuClock.Self();
        TimeSpan? serverCpu = CpuClock.Of(target.ProcessId);
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        long started = Stopwatch.GetTimestamp();
        control.StartMeasuring();

        if (quota is null)
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

        // Connections finish the requests in flight; a server that stops answering is cut off.
        if (await Task.WhenAny(all, Task.Delay(Grace)) != all)
        {
            foreach (LoadConnection connection in connections)
            {
                connection.Abort();
            }

            await all;
        }

        var stats = new ConnectionStats();
        foreach (LoadConnection connection in connections)
        {
            stats.Add(connection.Stats);
        }

        return new RunResult(target.Name, elapsed, stats, clientCpu, allocated, serverCpu);
    }

    private static async Task<EndPoint> ResolveAsync(Target target)
    {
        if (IPAddress.TryParse(target.Host, out IPAddress? address))
        {
            return new IPEndPoint(address, target.Port);
        }

        IPAddress[] addresses = await Dns.GetHostAddressesAsync(target.Host);
        return new IPEndPoint(addresses[0], target.Port);
    }
}
