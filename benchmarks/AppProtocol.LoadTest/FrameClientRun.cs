using AppProtocol.Client;

namespace AppProtocol.LoadTest;

/// <summary>
/// The same load as <see cref="LoadRun.RunRawAsync"/>, driven through the library's <see cref="FrameClient"/>: C clients,
/// each shared by D concurrent callers (D = 1 keep-alive; D = --depth pipelined, the client pipelining their requests
/// on its connections); or, with <c>--client pool</c>, all C x D callers sharing one client and its pool of
/// <c>--pool-connections</c> connections. With <c>--lease</c>, the callers take each response as a lease.
/// </summary>
internal static class FrameClientRun
{
    public static async Task<RunResult> RunAsync(LoadOptions options, Workload workload, Target target)
    {
        int callers = options.InFlight;
        var control = new RunControl(options.Requests is { } total ? Math.Max(1, total / (options.Connections * callers)) : null);
        var clients = new FrameClient[options.SharedPool ? 1 : options.Connections];
        var workers = new ILoadWorker[options.Connections * callers];
        for (int i = 0; i < clients.Length; i++)
        {
            // One connection per client, as before the pool, unless the pool is what is measured.
            clients[i] = new FrameClient(new FrameClientOptions
            {
                Host = target.Host,
                Port = target.Port,
                MaxConnectionsPerServer = options.SharedPool ? options.PoolConnections : 1,
                UnsafePreferInlineScheduling = options.ClientInline,
            });
        }

        for (int w = 0; w < workers.Length; w++)
        {
            workers[w] = new FrameClientCaller(clients[options.SharedPool ? 0 : w / callers], workload, control, options.Lease);
        }

        string name = options.SharedPool ? $"pool of {options.PoolConnections}" : "frameclient";
        try
        {
            return await LoadRun.MeasureAsync(options, target, $"{target.Name} {name}{(options.Lease ? " lease" : "")}{(options.ClientInline ? " inline" : "")}", control, workers);
        }
        finally
        {
            foreach (FrameClient client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }
}
