using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AppProtocol.Framing;

namespace AppProtocol.LoadTest;

/// <summary>Opens C connections, has each make one checked exchange, then holds them idle and reports how much the server's resident memory grew per connection.</summary>
internal static class IdleRun
{
    private const int ConcurrentOpens = 64;

    /// <returns>Whether every connection opened and got the right answer.</returns>
    public static async Task<bool> RunAsync(LoadOptions options, Workload workload, Target target)
    {
        var endPoint = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        long? before = ResidentBytes(target.ProcessId);
        var sockets = new Socket[options.Connections];
        int failures = 0;
        string? firstError = null;
        for (int first = 0; first < sockets.Length; first += ConcurrentOpens)
        {
            int count = Math.Min(ConcurrentOpens, sockets.Length - first);
            var opens = new Task<Socket>[count];
            for (int i = 0; i < count; i++)
            {
                opens[i] = OpenAndUseAsync(endPoint, workload);
            }

            for (int i = 0; i < count; i++)
            {
                try
                {
                    sockets[first + i] = await opens[i];
                }
                catch (Exception ex) when (ex is SocketException or IOException or ProtocolException)
                {
                    failures++;
                    firstError ??= $"{ex.GetType().Name}: {ex.Message}";
                }
            }
        }

        // Let the server finish whatever it does after a response (returning buffers, timers) before reading its memory.
        await Task.Delay(options.Warmup);
        long? after = ResidentBytes(target.ProcessId);
        int open = sockets.Count(s => s is not null && !(s.Poll(0, SelectMode.SelectRead) && s.Available == 0));
        string memory = before is { } b && after is { } a
            ? string.Create(CultureInfo.InvariantCulture, $"server RSS {b / 1024:N0} KiB -> {a / 1024:N0} KiB, {(double)(a - b) / options.Connections:N0} B per idle connection")
            : "server RSS unknown (pass --server-pid)";
        Console.WriteLine($"{target.Name}: {options.Connections} connections used once and held idle, {open} still open, {failures} failed; {memory}");
        if (firstError is not null)
        {
            Console.WriteLine($"  first error: {firstError}");
        }

        foreach (Socket? socket in sockets)
        {
            socket?.Dispose();
        }

        return failures == 0 && open == options.Connections;
    }

    private static async Task<Socket> OpenAndUseAsync(EndPoint endPoint, Workload workload)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint);
            await socket.SendAsync(workload.Request, SocketFlags.None);
            byte[] buffer = new byte[4096];
            int length = 0;
            var parser = new FrameParser();
            while (true)
            {
                int received = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None);
                if (received == 0)
                {
                    throw new IOException("The server closed the connection before answering.");
                }

                length += received;
                var sequence = new ReadOnlySequence<byte>(buffer, 0, length);
                if (parser.TryParse(ref sequence, out Frame response))
                {
                    return workload.IsExpected(response) ? socket : throw new IOException("Wrong answer.");
                }
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static long? ResidentBytes(int? pid)
    {
        if (pid is null)
        {
            return null;
        }

        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }

        return null;
    }
}
