using System.Diagnostics;
using AppProtocol.Server;
using AppProtocol.Transport;
using AppServer;

namespace AppProtocol.Soak;

/// <summary>The memory an idle connection costs: both its client and its server end, as they live in this one process.</summary>
public sealed record IdleResult(int Connections, long HeapBytesPerConnection, long WorkingSetBytesPerConnection)
{
    public override string ToString() =>
        $"idle-connections={Connections} managed-heap-per-connection={HeapBytesPerConnection} B working-set-per-connection={WorkingSetBytesPerConnection} B";
}

/// <summary>Holds K idle connections to an in-process server and measures the memory they take.</summary>
public static class IdleRun
{
    public static async Task<IdleResult> RunAsync(int connections, CancellationToken cancellationToken)
    {
        int opened = 0;
        var allOpen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new FrameServerOptions
        {
            Backlog = 4096,
            MaxConcurrentConnections = connections + 1,
            ConnectionOpened = (_, _) =>
            {
                if (Interlocked.Increment(ref opened) == connections)
                {
                    allOpen.TrySetResult();
                }
            },
        };
        options.Listen.Add(ListenAddress.Tcp("127.0.0.1", 0));
        await using var server = new FrameServer(options, new AppRequestHandler().HandleAsync);
        await server.StartAsync(cancellationToken);

        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        long workingSetBefore = Process.GetCurrentProcess().WorkingSet64;
        var clients = new List<SoakClient>(connections);
        for (int i = 0; i < connections; i++)
        {
            clients.Add(await SoakClient.ConnectAsync(server.EndPoints[0], cancellationToken));
        }

        await allOpen.Task.WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        long workingSetAfter = process.WorkingSet64;
        foreach (SoakClient client in clients)
        {
            await client.DisposeAsync();
        }

        return new IdleResult(connections, (heapAfter - heapBefore) / connections, (workingSetAfter - workingSetBefore) / connections);
    }
}
