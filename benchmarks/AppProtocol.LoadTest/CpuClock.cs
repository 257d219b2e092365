using System.Diagnostics;
using System.Globalization;

namespace AppProtocol.LoadTest;

/// <summary>CPU time consumed by this process and, on Linux, by the server process, to show what each request costs.</summary>
internal static class CpuClock
{
    // USER_HZ: the unit of /proc/<pid>/stat times on every Linux this runs on.
    private const double TicksPerSecond = 100;

    /// <summary>This process's user plus system time, and the user part alone (the rest is the kernel's send and receive paths).</summary>
    public static (TimeSpan Total, TimeSpan User) Self()
    {
        using var process = Process.GetCurrentProcess();
        return (process.TotalProcessorTime, process.UserProcessorTime);
    }

    /// <summary>User plus system time of <paramref name="pid"/>, or null when it cannot be read.</summary>
    public static TimeSpan? Of(int? pid)
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
            long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / TicksPerSecond);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
