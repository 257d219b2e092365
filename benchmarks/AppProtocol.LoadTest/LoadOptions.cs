using System.Globalization;

namespace AppProtocol.LoadTest;

/// <summary>How a run connects to its server(s).</summary>
internal enum LoadMode
{
    /// <summary>Connect, one request, one response, close: the reference client's pattern.</summary>
    OneShot,

    /// <summary>Sequential requests on each connection.</summary>
    KeepAlive,

    /// <summary>Up to <see cref="LoadOptions.Depth"/> requests in flight on each connection.</summary>
    Pipelined,

    /// <summary>Each connection makes one exchange and then stays open and silent, to measure what an idle connection costs the server.</summary>
    Idle,

    /// <summary>Rounds of connections that each send half a frame and go silent until the server closes them; reports the server's memory.</summary>
    Flood,
}

/// <summary>A named server to load; the optional process id lets the run report the server's CPU time.</summary>
internal sealed record Target(string Name, string Host, int Port, int? ProcessId);

/// <summary>The command line.</summary>
internal sealed class LoadOptions
{
    public const string Usage = """
        Usage: AppProtocol.LoadTest [options]
          --host H --port P          the server (default 127.0.0.1:65432), or
          --target NAME=H:P[/PID]    repeat; two targets with --compare alternate runs against them
          --server-pid PID           report the server's CPU time (Linux /proc) for --host/--port
          --mode oneshot|keepalive|pipelined|idle   (default keepalive; idle: C connections used once, held
                                     for --warmup seconds, then the server's RSS growth per connection, with --server-pid;
                                     the first tenth warm the server up and are not counted)
          --mode flood               --rounds R of C connections that each send half a request and wait for the server
                                     to close them (start the server with a short frame timeout), then --quiet seconds;
                                     prints the server's RSS after each round and every 10 s of the quiet, with --server-pid
          --quiet S                  the quiet period after a flood (default 60)
          --connections C            concurrent connections (default 64)
          --depth D                  requests in flight per connection when pipelined (default 16)
          --workload search|binary   (default search)
          --value V                  the search value (default morpheus)
          --expect TEXT              the search result to require instead of SPEC's table (a deliberate mismatch proves the checks work)
          --size N                   binary content bytes (default 100; suffixes k, m = KiB, MiB)
          --duration S               measured seconds (default 5)
          --requests N               measure N requests instead of a duration
          --warmup S                 unmeasured seconds first (default 1)
          --compare --rounds R       alternate R rounds over the targets, print medians and the ratio of the first to the second (default 5)
          --client raw|frameclient|pool
                                     raw (default): the tool's own connections. frameclient: the same load through the
                                     library's FrameClient as well (C clients, each shared by 1 caller in keepalive mode
                                     or --depth concurrent callers in pipelined mode), alternated with the raw load for
                                     --rounds R (default 1), then medians and the ratio frameclient/raw. pool: as
                                     frameclient, but every caller shares one client and its connection pool
          --pool-connections N       with --client pool: the client's MaxConnectionsPerServer (default 8)
          --lease                    with --client frameclient or pool: callers use SendLeasedAsync (a response over a
                                     pooled buffer) instead of SendAsync (a response copied into an array of its own)
          --client-inline            with --client frameclient or pool: FrameClientOptions.UnsafePreferInlineScheduling
                                     (each caller's next request is sent from the client's read loop)
        Socket continuations run inline on the runtime's socket threads unless DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS is set (0: the thread pool).
        One-shot connections to a 127.x server come from 127.0.0.2 onwards, an address per connection (see SourceAddress.cs).
        Exit status: 0 when every response was valid and some were measured; 2 on errors or mismatches; 1 on bad arguments.
        """;

    public List<Target> Targets { get; } = [];

    public LoadMode Mode { get; private set; } = LoadMode.KeepAlive;

    public int Connections { get; private set; } = 64;

    public int Depth { get; private set; } = 16;

    public bool BinaryWorkload { get; private set; }

    public string Value { get; private set; } = "morpheus";

    public string? Expect { get; private set; }

    public int Size { get; private set; } = 100;

    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(5);

    public long? Requests { get; private set; }

    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(1);

    public bool Compare { get; private set; }

    /// <summary>Rounds of a <c>--compare</c> run or a flood.</summary>
    public int Rounds => _rounds ?? 5;

    /// <summary>Rounds of a <c>--client frameclient</c> run: one of each unless asked.</summary>
    public int ClientRounds => _rounds ?? 1;

    /// <summary>Whether to drive the library's <c>FrameClient</c> too (<c>--client frameclient</c> or <c>pool</c>).</summary>
    public bool FrameClient { get; private set; }

    /// <summary>Whether every caller shares one client and its pool (<c>--client pool</c>).</summary>
    public bool SharedPool { get; private set; }

    /// <summary>The shared client's <c>MaxConnectionsPerServer</c> (<c>--pool-connections</c>).</summary>
    public int PoolConnections { get; private set; } = 8;

    /// <summary>Whether callers take responses as leases over pooled buffers (<c>--lease</c>).</summary>
    public bool Lease { get; private set; }

    /// <summary>Whether the clients run their callers' continuations on their read loops (<c>--client-inline</c>).</summary>
    public bool ClientInline { get; private set; }

    public TimeSpan Quiet { get; private set; } = TimeSpan.FromSeconds(60);

    private int? _rounds;

    /// <summary>Requests in flight per connection.</summary>
    public int InFlight => Mode == LoadMode.Pipelined ? Depth : 1;

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        string host = "127.0.0.1";
        int port = 65432;
        int? serverPid = null;
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (name is "--help" or "-h")
            {
                throw new ArgumentException("AppProtocol load tool.");
            }

            if (name == "--compare")
            {
                options.Compare = true;
                continue;
            }

            if (name == "--lease")
            {
                options.Lease = true;
                continue;
            }

            if (name == "--client-inline")
            {
                options.ClientInline = true;
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{name} needs a value.");
            }

            string value = args[++i];
            switch (name)
            {
                case "--host": host = value; break;
                case "--port": port = Int(value); break;
                case "--server-pid": serverPid = Int(value); break;
                case "--target": options.Targets.Add(ParseTarget(value)); break;
                case "--mode": options.Mode = ParseMode(value); break;
                case "--connections": options.Connections = Positive(value); break;
                case "--depth": options.Depth = Positive(value); break;
                case "--workload": options.BinaryWorkload = ParseWorkload(value); break;
                case "--value": options.Value = value; break;
                case "--expect": options.Expect = value; break;
                case "--size": options.Size = ParseSize(value); break;
                case "--duration": options.Duration = Seconds(value); break;
                case "--requests": options.Requests = Positive(value); break;
                case "--warmup": options.Warmup = Seconds(value); break;
                case "--rounds": options._rounds = Positive(value); break;
                case "--client": (options.FrameClient, options.SharedPool) = ParseClient(value); break;
                case "--pool-connections": options.PoolConnections = Positive(value); break;
                case "--quiet": options.Quiet = Seconds(value); break;
                default: throw new ArgumentException($"Unknown option {name}.");
            }
        }

        if (options.Targets.Count == 0)
        {
            options.Targets.Add(new Target($"{host}:{port}", host, port, serverPid));
        }

        options.Validate();
        return options;
    }

    private void Validate()
    {
        if (Compare && Targets.Count != 2)
        {
            throw new ArgumentException("--compare needs exactly two --target options.");
        }

        if (FrameClient && (Compare || Mode is not (LoadMode.KeepAlive or LoadMode.Pipelined)))
        {
            throw new ArgumentException("--client frameclient takes --mode keepalive or pipelined, without --compare.");
        }

        if (Lease && !FrameClient)
        {
            throw new ArgumentException("--lease takes --client frameclient or pool.");
        }

        if (ClientInline && !FrameClient)
        {
            throw new ArgumentException("--client-inline takes --client frameclient or pool.");
        }
    }

    private static Target ParseTarget(string value)
    {
        int equals = value.IndexOf('=', StringComparison.Ordinal);
        int colon = value.LastIndexOf(':');
        int slash = value.IndexOf('/', StringComparison.Ordinal);
        if (equals <= 0 || colon < equals)
        {
            throw new ArgumentException($"--target {value}: expected NAME=HOST:PORT[/PID].");
        }

        string portText = slash > colon ? value[(colon + 1)..slash] : value[(colon + 1)..];
        int? pid = slash > colon ? Int(value[(slash + 1)..]) : null;
        return new Target(value[..equals], value[(equals + 1)..colon].Trim('[', ']'), Int(portText), pid);
    }

    private static LoadMode ParseMode(string value) => value switch
    {
        "oneshot" => LoadMode.OneShot,
        "keepalive" => LoadMode.KeepAlive,
        "pipelined" => LoadMode.Pipelined,
        "idle" => LoadMode.Idle,
        "flood" => LoadMode.Flood,
        _ => throw new ArgumentException($"--mode {value}: expected oneshot, keepalive, pipelined, idle or flood."),
    };

    private static (bool FrameClient, bool SharedPool) ParseClient(string value) => value switch
    {
        "raw" => (false, false),
        "frameclient" => (true, false),
        "pool" => (true, true),
        _ => throw new ArgumentException($"--client {value}: expected raw, frameclient or pool."),
    };

    private static bool ParseWorkload(string value) => value switch
    {
        "search" => false,
        "binary" => true,
        _ => throw new ArgumentException($"--workload {value}: expected search or binary."),
    };

    private static int ParseSize(string value)
    {
        int multiplier = char.ToLowerInvariant(value[^1]) switch { 'k' => 1024, 'm' => 1024 * 1024, _ => 1 };
        int size = Int(multiplier == 1 ? value : value[..^1]) * multiplier;
        return size >= 0 ? size : throw new ArgumentException($"--size {value} is negative.");
    }

    private static TimeSpan Seconds(string value) => TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture));

    private static int Positive(string value)
    {
        int number = Int(value);
        return number > 0 ? number : throw new ArgumentException($"{value} must be positive.");
    }

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);
}
