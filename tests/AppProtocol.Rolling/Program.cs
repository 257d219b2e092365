using System.Globalization;
using AppProtocol.Client;
using AppProtocol.Rolling;

// Rolling restarts under load: three app-server backends behind a real balancer (or none, with client-side
// balancing), each sent SIGTERM and started again in turn while callers keep sending; prints the report and exits 1
// on any failed call or wrong answer.
//   dotnet run -c Release --project tests/AppProtocol.Rolling -- --front haproxy|nginx [--plain] [--callers 16] [--between 3000]
string front = Option("--front") ?? "haproxy";
int callers = int.Parse(Option("--callers") ?? "16", CultureInfo.InvariantCulture);
long between = long.Parse(Option("--between") ?? "3000", CultureInfo.InvariantCulture);

string work = Directory.CreateTempSubdirectory("appprotocol-rolling-").FullName;
// --plain: no PROXY header between the balancer and the backends (a control run).
bool proxyProtocol = !args.Contains("--plain");
string[] proxied = proxyProtocol ? ["--proxy-protocol", "--trusted-proxy", "127.0.0.1"] : [];
var backends = Enumerable.Range(1, 3).Select(i => new Backend($"s{i}", FreePort.Next(), proxied)).ToList();
await using IFront balancer = front switch
{
    "haproxy" => new HaproxyFront(work, proxyProtocol),
    "nginx" => new NginxFront(work, proxyProtocol),
    _ => throw new ArgumentException($"--front {front}: expected haproxy or nginx."),
};

try
{
    await Task.WhenAll(backends.Select(b => b.StartAsync()));
    await balancer.StartAsync(backends);
    var load = new LoadRun(() => new FrameClientOptions { Host = "127.0.0.1", Port = balancer.Port, RequestTimeout = TimeSpan.FromSeconds(10), RequestsAreIdempotent = true }, callers);
    load.Start();
    await load.AfterMoreAsync(between);
    foreach (Backend backend in backends)
    {
        await backend.RestartAsync();
        await balancer.WaitUntilServingAsync(backend);
        await load.AfterMoreAsync(between);
    }

    await load.StopAsync();
    Report.Print(balancer.Name, callers, backends, load);
    return load.Failed == 0 && load.Wrong == 0 ? 0 : 1;
}
finally
{
    foreach (Backend backend in backends)
    {
        await backend.DisposeAsync();
    }

    Directory.Delete(work, recursive: true);
}

string? Option(string name) => Array.IndexOf(args, name) is int at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
