using System.Globalization;
using AppProtocol.LoadTest;

// A load generator for the protocol over real sockets; see docs/PERFORMANCE.md for the commands behind the published figures.
// First, before any socket exists: the runtime reads this switch once, when it starts its socket engines.
bool inline = InlineCompletions.EnableUnlessSet();
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
    $"mode {options.Mode.ToString().ToLowerInvariant()}, workload {workload.Description}, {options.Connections} connections, {options.InFlight} in flight each, warm-up {options.Warmup.TotalSeconds:0.##} s, measured {window}; socket completions {(inline ? "inline" : "on the thread pool")}"));

if (options.Mode == LoadMode.Flood)
{
    return await FloodRun.RunAsync(options, workload, options.Targets[0]) ? 0 : 2;
}

if (options.Mode == LoadMode.Idle)
{
    return await IdleRun.RunAsync(options, workload, options.Targets[0]) ? 0 : 2;
}

bool clean = true;
if (options.Compare)
{
    (Target a, Target b) = (options.Targets[0], options.Targets[1]);
    clean = await Comparison.RunAsync(
        options.Rounds,
        new Contender(a.Name, () => LoadRun.RunRawAsync(options, workload, a)),
        new Contender(b.Name, () => LoadRun.RunRawAsync(options, workload, b)));
}
else
{
    foreach (Target target in options.Targets)
    {
        if (options.FrameClient)
        {
            // The library's client beside the tool's own connections, same load, same server, alternated.
            clean &= await Comparison.RunAsync(
                options.ClientRounds,
                new Contender("frameclient", () => FrameClientRun.RunAsync(options, workload, target)),
                new Contender("raw", () => LoadRun.RunRawAsync(options, workload, target)));
        }
        else
        {
            RunResult result = await LoadRun.RunRawAsync(options, workload, target);
            Console.WriteLine(result);
            clean &= !result.Failed;
        }
    }
}

return clean ? 0 : 2;
