using System.Diagnostics;
using AppProtocol.Server;
using AppProtocol.Transport;

namespace AppProtocol.Soak;

/// <summary>The memory an idle connection costs: the server end only when the clients ran in another process, else both ends.</summary>
public sealed record IdleResult(int Connections, bool ClientsInProcess, long HeapBytesPerConnection, long WorkingSetBytesPerConnection)
{
    public override string ToString() =>
        $"idle-connections={Connections} clients={(ClientsInProcess ? "in-process" : "separate-process")} " +
        $"managed-heap-per-connection={HeapBytesPerConnection} B working-set-per-connection={WorkingSetBytesPerConnection} B";
}

/// <summary>Holds K idle connections to an in-process server and measures the memory they take.</summary>
public static class IdleRun
{
    /// <summary>The child mode: opens K connections to 127.0.0.1:port and holds them until standard input closes.</summary>
    public static async Task HoldAsync(int port, int connections, CancellationToken cancellationToken)
    {
        var clients = new List<SoakClient>(connections);
        for (int i = 0; i < connections; i++)
        {
            clients.Add(await SoakClient.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port), cancellationToken));
        }

        await Console.In.ReadToEndAsync(cancellationToken);
        foreach (SoakClient client in clients)
        {
            await client.DisposeAsync();
        }
    }

    public static async Task<IdleResult> RunAsync(int connections, bool separateClients, CancellationToken cancellationToken)
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
        await using var server = new FrameServer(options, SoakHandler.HandleAsync);
        await server.StartAsync(cancellationToken);

        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        long workingSetBefore = Process.GetCurrentProcess().WorkingSet64;
        var clients = new List<SoakClient>(connections);
        Process? holder = null;
        if (separateClients)
        {
            // The same program in hold mode: the server's process then holds only the server ends.
            var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            {
                start.ArgumentList.Add(typeof(IdleRun).Assembly.Location);
            }

            start.ArgumentList.Add("hold");
            start.ArgumentList.Add("--port");
            start.ArgumentList.Add(((System.Net.IPEndPoint)server.EndPoints[0]).Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            start.ArgumentList.Add("--connections");
            start.ArgumentList.Add(connections.ToString(System.Globalization.CultureInfo.InvariantCulture));
            holder = Process.Start(start)!;
        }
        else
        {
            for (int i = 0; i < connections; i++)
            {
                clients.Add(await SoakClient.ConnectAsync(server.EndPoints[0], cancellationToken));
            }
        }

        await allOpen.Task.WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        long workingSetAfter = process.WorkingSet64;
        foreach (SoakClient client in clients)
        {
            await client.DisposeAsync();
        }

        if (holder is not null)
        {
            holder.StandardInput.Close();
            await holder.WaitForExitAsync(cancellationToken);
            holder.Dispose();
        }

        return new IdleResult(connections, !separateClients, (heapAfter - heapBefore) / connections, (workingSetAfter - workingSetBefore) / connections);
    }
}
