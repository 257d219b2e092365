using System.Globalization;

namespace AppProtocol.LoadTest;

/// <summary>One side of a comparison: a name and a way to make one measured run.</summary>
internal sealed record Contender(string Name, Func<Task<RunResult>> RunAsync);

/// <summary>Alternates runs of two contenders (A B, then B A, ...) so that drift on a shared machine hits both alike, and reports medians, ranges and ratios.</summary>
internal static class Comparison
{
    /// <returns>Whether every run was clean.</returns>
    public static async Task<bool> RunAsync(int rounds, Contender a, Contender b)
    {
        var resultsA = new List<RunResult>();
        var resultsB = new List<RunResult>();
        bool clean = true;
        for (int round = 1; round <= rounds; round++)
        {
            foreach (Contender contender in round % 2 == 1 ? [a, b] : new[] { b, a })
            {
                RunResult result = await contender.RunAsync();
                (contender == a ? resultsA : resultsB).Add(result);
                clean &= !result.Failed;
                Console.WriteLine($"round {round} {result}");
            }
        }

        Console.WriteLine(Summary(a.Name, resultsA));
        Console.WriteLine(Summary(b.Name, resultsB));
        double medianA = Median(resultsA.ConvertAll(r => r.RequestsPerSecond));
        double medianB = Median(resultsB.ConvertAll(r => r.RequestsPerSecond));
        double roundRatios = Median(resultsA.Select((r, i) => r.RequestsPerSecond / resultsB[i].RequestsPerSecond).ToList());
        Console.WriteLine(Line($"ratio {a.Name}/{b.Name}: {medianA / medianB:N3} (of medians), {roundRatios:N3} (median of per-round ratios)"));
        return clean;
    }

    private static string Summary(string name, List<RunResult> results)
    {
        List<double> rates = results.ConvertAll(r => r.RequestsPerSecond);
        string text = Line($"median {name}: {Median(rates):N0} req/s ({rates.Min():N0}-{rates.Max():N0}), p99 {Median(results.ConvertAll(r => r.P99Ms)):N3} ms, ")
            + Line($"client {Median(results.ConvertAll(r => r.ClientMicrosecondsPerRequest)):N2} us/req ({Median(results.ConvertAll(r => r.ClientUserMicrosecondsPerRequest)):N2} user), {Median(results.ConvertAll(r => r.AllocatedBytesPerRequest)):N0} B/req allocated");
        return results.TrueForAll(r => r.ServerMicrosecondsPerRequest is not null)
            ? text + Line($", server {Median(results.ConvertAll(r => r.ServerMicrosecondsPerRequest!.Value)):N2} us/req ({Median(results.ConvertAll(r => r.ServerUserMicrosecondsPerRequest!.Value)):N2} user)")
            : text;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        int middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
