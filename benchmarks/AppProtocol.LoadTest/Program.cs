using System.Globalization;
using AppProtocol.LoadTest;

// A load generator for the protocol over real sockets; see docs/PERFORMANCE.md for the commands behind the published figures.
LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 1;
}

Workload workload = options.BinaryWorkload ? Workload.Binary(options.Size) : Workload.Search(options.Value, options.Expect);
string window = options.Mode is LoadMode.Idle or LoadMode.Flood ? "server memory after it"
    : options.Requests is { } requests ? $"{requests} requests"
    : $"{options.Duration.TotalSeconds:0.##} s";
Console.WriteLine(string.Create(
    CultureInfo.InvariantCulture,
    $"mode {options.Mode.ToString().ToLowerInvariant()}, workload {workload.Description}, {options.Connections} connections, {options.InFlight} in flight each, warm-up {options.Warmup.TotalSeconds:0.##} s, measured {window}"));

if (options.Mode == LoadMode.Flood)
{
    return await FloodRun.RunAsync(options, workload, options.Targets[0]) ? 0 : 2;
}

if (options.Mode == LoadMode.Idle)
{
    return await IdleRun.RunAsync(options, workload, options.Targets[0]) ? 0 : 2;
}

if (!options.Compare)
{
    bool failed = false;
    foreach (Target target in options.Targets)
    {
        RunResult result = await LoadRun.RunAsync(options, workload, target);
        Console.WriteLine(result);
        failed |= result.Failed;
    }

    return failed ? 2 : 0;
}

return await Comparison.RunAsync(options, workload) ? 0 : 2;
