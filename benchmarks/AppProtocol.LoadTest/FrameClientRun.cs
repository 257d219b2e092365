using AppProtocol.Client;

namespace AppProtocol.LoadTest;

/// <summary>
/// The same load as <see cref="LoadRun.RunRawAsync"/>, driven through the library's <see cref="FrameClient"/>: C clients,
/// each shared by D concurrent callers (D = 1 keep-alive; D = --depth pipelined, the client pipelining their requests on its one connection).
/// </summary>
internal static class FrameClientRun
{
    public static async Task<RunResult> RunAsync(LoadOptions options, Workload workload, Target target)
    {
        int callers = options.InFlight;
        var control = new RunControl(options.Requests is { } total ? Math.Max(1, total / (options.Connections * callers)) : null);
        var clients = new FrameClient[options.Connections];
        var workers = new ILoadWorker[options.Connections * callers];
        for (int i = 0; i < clients.Length; i++)
        {
            clients[i] = new FrameClient(new FrameClientOptions { Host = target.Host, Port = target.Port });
            for (int j = 0; j < callers; j++)
            {
                workers[(i * callers) + j] = new FrameClientCaller(clients[i], workload, control);
            }
        }

        try
        {
            return await LoadRun.MeasureAsync(options, target, $"{target.Name} frameclient", control, workers);
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
