using System.Diagnostics;
using System.Globalization;

namespace AppProtocol.LoadTest;

/// <summary>CPU time of a process: user plus system, and the user part alone (the rest is the kernel's, mostly its send and receive paths).</summary>
internal readonly record struct CpuTime(TimeSpan Total, TimeSpan User)
{
    public static CpuTime operator -(CpuTime end, CpuTime start) => new(end.Total - start.Total, end.User - start.User);
}

/// <summary>CPU time consumed by this process and, on Linux, by the server process, to show what each request costs.</summary>
internal static class CpuClock
{
    // USER_HZ: the unit of /proc/<pid>/stat times on every Linux this runs on.
    private const double TicksPerSecond = 100;

    public static CpuTime Self()
    {
        using var process = Process.GetCurrentProcess();
        return new CpuTime(process.TotalProcessorTime, process.UserProcessorTime);
    }

    /// <summary>The CPU time of <paramref name="pid"/>, or null when it cannot be read.</summary>
    public static CpuTime? Of(int? pid)
    {
        if (pid is null)
        {
            return null;
        }

        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");

            // Fields after the parenthesised command name: state is field 3, utime 14 and stime 15.
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long user = long.Parse(fields[11], CultureInfo.InvariantCulture);
            long system = long.Parse(fields[12], CultureInfo.InvariantCulture);
            return new CpuTime(TimeSpan.FromSeconds((user + system) / TicksPerSecond), TimeSpan.FromSeconds(user / TicksPerSecond));
        }
        catch (IOException)
        {
            return null;
        }
    }
}
