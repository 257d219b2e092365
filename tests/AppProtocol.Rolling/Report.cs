using System.Globalization;

namespace AppProtocol.Rolling;

/// <summary>The run's figures, one line each, then "rolling: PASS" or "rolling: FAIL".</summary>
internal static class Report
{
    public static void Print(string front, int callers, IReadOnlyList<Backend> backends, LoadRun load, Timeline timeline)
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

        PrintWhen(timeline);
        Console.WriteLine(load.Failed == 0 && load.Wrong == 0 ? "rolling: PASS" : "rolling: FAIL");
    }

    // Failures grouped by the last restart step before them (and by message), with how long after that step they came.
    private static void PrintWhen(Timeline timeline)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        IReadOnlyList<(double At, string What)> events = timeline.Events;
        IReadOnlyList<(double At, string What)> failures = timeline.Failures;
        if (failures.Count == 0)
        {
            return;
        }

        Console.WriteLine("restart steps (ms since start): " + string.Join(", ", events.Select(e => string.Create(c, $"{e.What} {e.At:F0}"))));
        var groups = failures
            .Select(f => (Step: events.LastOrDefault(e => e.At <= f.At), f.At, f.What))
            .GroupBy(f => (f.Step.What, f.What));
        foreach (var group in groups.OrderBy(g => g.Min(f => f.At)))
        {
            double since = group.First().Step.At;
            string step = group.Key.Item1 ?? "start";
            Console.WriteLine(string.Create(c, $"  after {step}: {group.Count()} x {group.Key.Item2}, +{group.Min(f => f.At) - since:F0} to +{group.Max(f => f.At) - since:F0} ms"));
        }
    }
}
