using System.Globalization;

namespace AppProtocol.Rolling;

/// <summary>The run's figures, one line each, then "rolling: PASS" or "rolling: FAIL".</summary>
internal static class Report
{
    public static void Print(string front, int callers, IReadOnlyList<Backend> backends, LoadRun load)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"front {front}, {callers} callers, {backends.Count} backends each restarted once (SIGTERM, then started again)"));
        foreach (Backend backend in backends)
        {
            Console.WriteLine(string.Create(c, $"  {backend.Name} (port {backend.Port}): {backend.Requests:N0} requests, {backend.Restarts} restart(s)"));
        }

        Console.WriteLine(string.Create(c, $"completed {load.Completed:N0}, failed {load.Failed:N0}, wrong answers {load.Wrong:N0}, longest call {load.LongestCall.TotalMilliseconds:N1} ms"));
        foreach ((string failure, int count) in load.Failures.OrderByDescending(f => f.Value).Take(5))
        {
            Console.WriteLine(string.Create(c, $"  {count} x {failure}"));
        }

        Console.WriteLine(load.Failed == 0 && load.Wrong == 0 ? "rolling: PASS" : "rolling: FAIL");
    }
}
