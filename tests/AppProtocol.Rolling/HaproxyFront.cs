using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace AppProtocol.Rolling;

/// <summary>
/// HAProxy in TCP mode, started here: round robin over the backends with <c>send-proxy-v2</c>, health checks that send
/// a PROXY v2 LOCAL header (<c>check-send-proxy</c>) every 200 ms, and a stats socket to learn when a backend is up.
/// </summary>
internal sealed class HaproxyFront(string workDirectory, bool proxyProtocol) : IFront
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _statsSocket = Path.Combine(workDirectory, "haproxy.sock");
    private Process? _process;

    public string Name => "haproxy";

    public int Port { get; } = FreePort.Next();

    public async Task StartAsync(IReadOnlyList<Backend> backends)
    {
        string config = Path.Combine(workDirectory, "haproxy.cfg");
        await File.WriteAllTextAsync(config, Config(backends));
        var start = new ProcessStartInfo("haproxy") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-db");
        start.ArgumentList.Add("-f");
        start.ArgumentList.Add(config);
        _process = Process.Start(start) ?? throw new InvalidOperationException("haproxy did not start.");
        _ = _process.StandardOutput.ReadToEndAsync();
        _ = _process.StandardError.ReadToEndAsync();
        foreach (Backend backend in backends)
        {
            await WaitUntilServingAsync(backend);
        }
    }

    public async Task WaitUntilServingAsync(Backend backend)
    {
        // The stats socket answers on request only: ask until the server's state is UP (operational state 2).
        using var timeout = new CancellationTokenSource(Patience);
        while (!await IsUpAsync(backend.Name, timeout.Token))
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private string Config(IReadOnlyList<Backend> backends)
    {
        var config = new StringBuilder($"""
            global
                maxconn 4096
                stats socket {_statsSocket} mode 600 level admin
            defaults
                mode tcp
                timeout connect 2s
                timeout client 60s
                timeout server 60s
                retries 3
                option redispatch
            frontend appprotocol
                bind 127.0.0.1:{Port}
                default_backend servers
            backend servers
                balance roundrobin

            """);
        foreach (Backend backend in backends)
        {
            string proxy = proxyProtocol ? " send-proxy-v2 check-send-proxy" : "";
            config.AppendLine($"    server {backend.Name} 127.0.0.1:{backend.Port}{proxy} check inter 200ms fall 1 rise 1");
        }

        return config.ToString();
    }

    private async Task<bool> IsUpAsync(string server, CancellationToken cancellationToken)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(_statsSocket), cancellationToken);
            await socket.SendAsync("show servers state servers\n"u8.ToArray(), cancellationToken);
            using var stream = new NetworkStream(socket, ownsSocket: false);
            string state = await new StreamReader(stream).ReadToEndAsync(cancellationToken);

            // Columns: be_id be_name srv_id srv_name srv_addr srv_op_state ...
            return state.Split('\n').Select(l => l.Split(' ')).Any(c => c.Length > 5 && c[3] == server && c[5] == "2");
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
