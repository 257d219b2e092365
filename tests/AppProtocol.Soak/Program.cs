using AppProtocol.Soak;

// Usage: soak [--connections N] [--exchanges M] [--seed S]
//        soak idle [--connections K] [--separate]      (--separate: the clients run in a child process)
//        soak hold --port P --connections K           (the child: holds K connections until stdin closes)
string mode = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "soak";
int Option(string name, int fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(10));
if (mode == "idle")
{
    Console.WriteLine(await IdleRun.RunAsync(Option("--connections", 1_000), args.Contains("--separate"), cancel.Token));
    return 0;
}

if (mode == "hold")
{
    await IdleRun.HoldAsync(Option("--port", 0), Option("--connections", 1_000), cancel.Token);
    return 0;
}

SoakResult result = await SoakRun.RunAsync(Option("--connections", 100), Option("--exchanges", 20), Option("--seed", 1), cancel.Token);
Console.WriteLine(result);
return result.Lost == 0 && result.Mismatched == 0 && result.MisbehaviourFailures == 0 && result.ActiveAfter == 0 ? 0 : 1;
