using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AppProtocol.Framing;

namespace AppProtocol.LoadTest;

/// <summary>Opens C connections, has each make one checked exchange, then holds them idle and reports how much the server's resident memory grew per connection.</summary>
/// <remarks>
/// The first tenth of the C connections warms the server up, so that what it spends once (compiled code, pools,
/// threads) is not charged to the other nine tenths, whose growth is measured; all C are open at the end. Both
/// figures are printed: per measured connection after the warm-up, and per connection from the server's start.
/// </remarks>
internal static class IdleRun
{
    private const int ConcurrentOpens = 64;

    /// <returns>Whether every connection opened and got the right answer.</returns>
    public static async Task<bool> RunAsync(LoadOptions options, Workload workload, Target target)
    {
        var endPoint = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        var failures = new Failures();
        long? start = ResidentBytes(target.ProcessId);
        int warmUp = Math.Max(1, options.Connections / 10);
        Socket?[] warm = await OpenAsync(endPoint, workload, warmUp, failures);
        await Task.Delay(options.Warmup);
        long? before = ResidentBytes(target.ProcessId);
        Socket?[] sockets = await OpenAsync(endPoint, workload, options.Connections - warmUp, failures);

        // Let the server finish whatever it does after a response (returning buffers, timers) before reading its memory.
        await Task.Delay(options.Warmup);
        long? after = ResidentBytes(target.ProcessId);
        int open = sockets.Concat(warm).Count(s => s is not null && !(s.Poll(0, SelectMode.SelectRead) && s.Available == 0));
        string memory = start is { } s0 && before is { } b && after is { } a
            ? string.Create(CultureInfo.InvariantCulture, $"server RSS {s0 / 1024:N0} KiB at start, {b / 1024:N0} KiB after {warm.Length:N0} warm-up connections, {a / 1024:N0} KiB after {sockets.Length:N0} more: {(double)(a - b) / sockets.Length:N0} B per idle connection ({(double)(a - s0) / options.Connections:N0} B counting from the start)")
            : "server RSS unknown (pass --server-pid)";
        Console.WriteLine($"{target.Name}: {options.Connections} connections used once and held idle, {open} still open, {failures.Count} failed; {memory}");
        if (failures.First is not null)
        {
            Console.WriteLine($"  first error: {failures.First}");
        }

        foreach (Socket? socket in sockets.Concat(warm))
        {
            socket?.Dispose();
        }

        return failures.Count == 0 && open == options.Connections;
    }

    private static async Task<Socket?[]> OpenAsync(EndPoint endPoint, Workload workload, int connections, Failures failures)
    {
        var sockets = new Socket?[connections];
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
                    failures.Count++;
                    failures.First ??= $"{ex.GetType().Name}: {ex.Message}";
                }
            }
        }

        return sockets;
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

    private sealed class Failures
    {
        public int Count { get; set; }

        public string? First { get; set; }
    }
}
