using System.Globalization;

namespace AppProtocol.LoadTest;

/// <summary>Alternates runs against two targets (A B, then B A, ...) so that drift on a shared machine hits both alike, and reports medians and ratios.</summary>
internal static class Comparison
{
    /// <returns>Whether every run was clean.</returns>
    public static async Task<bool> RunAsync(LoadOptions options, Workload workload)
    {
        Target a = options.Targets[0];
        Target b = options.Targets[1];
        var resultsA = new List<RunResult>();
        var resultsB = new List<RunResult>();
        bool clean = true;
        for (int round = 1; round <= options.Rounds; round++)
        {
            foreach (Target target in round % 2 == 1 ? [a, b] : new[] { b, a })
            {
                RunResult result = await LoadRun.RunAsync(options, workload, target);
                (target == a ? resultsA : resultsB).Add(result);
                clean &= !result.Failed;
                Console.WriteLine($"round {round} {result}");
            }
        }

        double medianA = Median(resultsA.ConvertAll(r => r.RequestsPerSecond));
        double medianB = Median(resultsB.ConvertAll(r => r.RequestsPerSecond));
        double roundRatios = Median(resultsA.Select((r, i) => r.RequestsPerSecond / resultsB[i].RequestsPerSecond).ToList());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median {a.Name}: {medianA:N0} req/s, p99 {Median(resultsA.ConvertAll(r => r.P99Ms)):N3} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median {b.Name}: {medianB:N0} req/s, p99 {Median(resultsB.ConvertAll(r => r.P99Ms)):N3} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio {a.Name}/{b.Name}: {medianA / medianB:N3} (of medians), {roundRatios:N3} (median of per-round ratios)"));
        return clean;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        int middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
