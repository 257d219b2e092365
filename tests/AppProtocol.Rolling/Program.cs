using System.Globalization;
using AppProtocol.Client;
using AppProtocol.Rolling;

// Rolling restarts under load: three app-server backends behind a real balancer (or none, with client-side
// balancing), each sent SIGTERM and started again in turn while callers keep sending; prints the report and exits 1
// on any failed call or wrong answer.
//   dotnet run -c Release --project tests/AppProtocol.Rolling -- --front haproxy|nginx|client [--plain] [--callers 16] [--between 3000] [--keep DIR]
//       [--not-idempotent] [--nginx-passive] [--pace MS]
string front = Option("--front") ?? "haproxy";
int callers = int.Parse(Option("--callers") ?? "16", CultureInfo.InvariantCulture);
long between = long.Parse(Option("--between") ?? "3000", CultureInfo.InvariantCulture);
// nginx only: --nginx-passive marks a backend down for 1 s after a refused connection (max_fails=1), and --pace MS
// is how long the rolling restart waits after a backend listens again before stopping the next.
TimeSpan? pace = Option("--pace") is { } ms ? TimeSpan.FromMilliseconds(double.Parse(ms, CultureInfo.InvariantCulture)) : null;

// --not-idempotent: the callers do not mark their requests idempotent, so a call whose connection broke after the
// request went out fails instead of being sent again (a control run: what the balancer alone gets right).
bool idempotent = !args.Contains("--not-idempotent");

// --keep DIR: the run's files (balancer configuration and logs, each backend's output) go to DIR and stay there.
string? keep = Option("--keep");
string work = keep is null ? Directory.CreateTempSubdirectory("appprotocol-rolling-").FullName : Directory.CreateDirectory(keep).FullName;
var timeline = new Timeline();
// --plain: no PROXY header between the balancer and the backends (a control run).
// --front client: no balancer and no PROXY header; the callers' client balances over the backends itself.
bool proxyProtocol = !args.Contains("--plain") && front != "client";
string[] proxied = proxyProtocol ? ["--proxy-protocol", "--trusted-proxy", "127.0.0.1"] : [];
var backends = Enumerable.Range(1, 3).Select(i => new Backend($"s{i}", FreePort.ForRestarts(), proxied, timeline, work)).ToList();
await using IFront balancer = front switch
{
    "haproxy" => new HaproxyFront(work, proxyProtocol),
    "nginx" => new NginxFront(work, proxyProtocol, args.Contains("--nginx-passive"), pace),
    "client" => new ClientFront(),
    _ => throw new ArgumentException($"--front {front}: expected haproxy, nginx or client."),
};

try
{
    await Task.WhenAll(backends.Select(b => b.StartAsync()));
    await balancer.StartAsync(backends);
    var load = new LoadRun(
        () => balancer is ClientFront client
            ? new FrameClientOptions { Servers = client.Servers, RequestTimeout = TimeSpan.FromSeconds(10), RequestsAreIdempotent = idempotent }
            : new FrameClientOptions { Host = "127.0.0.1", Port = balancer.Port, RequestTimeout = TimeSpan.FromSeconds(10), RequestsAreIdempotent = idempotent },
        callers,
        timeline);
    load.Start();
    await load.AfterMoreAsync(between);
    foreach (Backend backend in backends)
    {
        await backend.RestartAsync();
        await balancer.WaitUntilServingAsync(backend);
        await load.AfterMoreAsync(between);
    }

    await load.StopAsync();
    Report.Print(balancer.Name, callers, backends, load, timeline);
    bool passed = load.Failed == 0 && load.Wrong == 0;
    if (!passed && keep is null)
    {
        // A failed run keeps its logs (the balancer's, each backend's) for reading afterwards, as --keep does.
        keep = work;
        Console.WriteLine($"logs kept in {work}");
    }

    return passed ? 0 : 1;
}
finally
{
    foreach (Backend backend in backends)
    {
        await backend.DisposeAsync();
    }

    if (keep is null)
    {
        Directory.Delete(work, recursive: true);
    }
}

string? Option(string name) => Array.IndexOf(args, name) is int at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
