using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AppProtocol.LoadTest;

/// <summary>
/// R rounds of C connections that each send half a request frame and go silent until the server closes them (at its
/// frame timeout), then a quiet period; prints the server's resident memory after each round and during the quiet.
/// </summary>
/// <remarks>Shows whether memory taken by stalled frames comes back once they are reaped (docs/RELIABILITY.md).</remarks>
internal static class FloodRun
{
    private const int ConcurrentOpens = 64;
    private static readonly TimeSpan QuietSample = TimeSpan.FromSeconds(10);

    /// <returns>Whether every connection opened and was closed by the server.</returns>
    public static async Task<bool> RunAsync(LoadOptions options, Workload workload, Target target)
    {
        var endPoint = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        byte[] half = workload.Request.AsSpan(0, Math.Max(3, workload.Request.Length / 2)).ToArray();
        Console.WriteLine(Line($"start: server RSS {Rss(target)}"));
        int failed = 0;
        for (int round = 1; round <= options.Rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            (int opened, int closed) = await RoundAsync(endPoint, half, options.Connections);
            failed += options.Connections - closed;
            Console.WriteLine(Line($"round {round}: {opened} opened, {closed} closed by the server in {clock.Elapsed.TotalSeconds:0.0} s; server RSS {Rss(target)}"));
        }

        for (TimeSpan quiet = TimeSpan.Zero; quiet < options.Quiet;)
        {
            TimeSpan step = options.Quiet - quiet < QuietSample ? options.Quiet - quiet : QuietSample;
            await Task.Delay(step);
            quiet += step;
            Console.WriteLine(Line($"quiet {quiet.TotalSeconds:0} s: server RSS {Rss(target)}"));
        }

        return failed == 0;
    }

    private static async Task<(int Opened, int Closed)> RoundAsync(EndPoint endPoint, byte[] half, int connections)
    {
        var sockets = new List<Socket>(connections);
        try
        {
            for (int first = 0; first < connections; first += ConcurrentOpens)
            {
                int count = Math.Min(ConcurrentOpens, connections - first);
                Socket?[] opened = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => OpenAsync(endPoint, half)));
                sockets.AddRange(opened.OfType<Socket>());
            }

            bool[] closed = await Task.WhenAll(sockets.Select(WaitClosedAsync));
            return (sockets.Count, closed.Count(c => c));
        }
        finally
        {
            foreach (Socket socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    private static async Task<Socket?> OpenAsync(EndPoint endPoint, byte[] half)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint);
            await socket.SendAsync(half, SocketFlags.None);
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }

    // The server answers nothing to half a frame: the next event is its close (an end of stream or a reset).
    private static async Task<bool> WaitClosedAsync(Socket socket)
    {
        try
        {
            return await socket.ReceiveAsync(new byte[1].AsMemory(), SocketFlags.None) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private static string Rss(Target target)
    {
        if (target.ProcessId is not { } pid)
        {
            return "unknown (pass --server-pid)";
        }

        string? line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? "unknown" : string.Create(CultureInfo.InvariantCulture, $"{long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) / 1024.0:0.0} MiB");
    }

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
