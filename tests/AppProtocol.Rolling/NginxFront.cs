using System.Diagnostics;
using System.Text;

namespace AppProtocol.Rolling;

/// <summary>
/// nginx's stream module, started here in the foreground: round robin over the backends with <c>proxy_protocol on</c>
/// (version 1). A connection that a stopping backend refuses is passed to the next one (<c>proxy_next_upstream</c>).
/// By default no backend is ever marked down (<c>max_fails=0</c>): a refused connect costs a round trip, and a
/// restarted backend gets connections as soon as it listens. With <paramref name="passiveHealth"/>
/// (<c>max_fails=1 fail_timeout=1s</c>) a backend that refused one connection is skipped for up to 2 s, so the
/// rolling restart waits that long after a backend listens before stopping the next (docs/DEPLOYMENT.md), unless
/// <paramref name="pacing"/> says otherwise.
/// </summary>
internal sealed class NginxFront(string workDirectory, bool proxyProtocol, bool passiveHealth, TimeSpan? pacing = null) : IFront
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    // fail_timeout is compared with nginx's clock in whole seconds (ngx_time()), so a backend marked down at 12.9 s is
    // skipped until 14.0 s: at most fail_timeout + 1 s after its last refused connection, which came before it listened
    // again; plus a margin for nginx's cached clock on a busy machine.
    private static readonly TimeSpan FailTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PassivePacing = FailTimeout + TimeSpan.FromSeconds(1.5);
    private readonly TimeSpan _pacing = pacing ?? (passiveHealth ? PassivePacing : TimeSpan.Zero);
    private Process? _process;

    public string Name => "nginx";

    public int Port { get; } = FreePort.Next();

    /// <summary>Where Debian's package puts the stream module.</summary>
    public static string StreamModule => "/usr/lib/nginx/modules/ngx_stream_module.so";

    public async Task StartAsync(IReadOnlyList<Backend> backends)
    {
        string config = Path.Combine(workDirectory, "nginx.conf");
        await File.WriteAllTextAsync(config, Config(backends));
        var start = new ProcessStartInfo("nginx") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in (string[])["-p", workDirectory, "-c", config])
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start.");
        _ = _process.StandardOutput.ReadToEndAsync();
        _ = _process.StandardError.ReadToEndAsync();
        await Listening.WaitAsync(Port, Patience);
    }

    // nginx has no state to ask: without max_fails it tries the backend on its next connection, as it listens again.
    // With passive health the wait is the pacing a rolling restart needs (nginx logs no "back up" event to await);
    // --pace 0 with --nginx-passive shows what happens without it.
    public Task WaitUntilServingAsync(Backend backend) => _pacing > TimeSpan.Zero ? Task.Delay(_pacing) : Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private string Config(IReadOnlyList<Backend> backends)
    {
        var upstream = new StringBuilder();
        foreach (Backend backend in backends)
        {
            upstream.AppendLine(passiveHealth
                ? $"        server 127.0.0.1:{backend.Port} max_fails=1 fail_timeout={FailTimeout.TotalSeconds}s;"
                : $"        server 127.0.0.1:{backend.Port} max_fails=0;");
        }

        return $$"""
            load_module {{StreamModule}};
            daemon off;
            master_process off;
            pid {{Path.Combine(workDirectory, "nginx.pid")}};
            error_log {{Path.Combine(workDirectory, "nginx-error.log")}} info;
            events { worker_connections 4096; }
            stream {
                log_format upstreams '$msec $remote_port $status $session_time up=$upstream_addr connect=$upstream_connect_time sent=$bytes_received got=$bytes_sent';
                access_log {{Path.Combine(workDirectory, "nginx-access.log")}} upstreams;
                upstream servers {
            {{upstream}}    }
                server {
                    listen 127.0.0.1:{{Port}};
                    proxy_pass servers;
                    proxy_protocol {{(proxyProtocol ? "on" : "off")}};
                    proxy_connect_timeout 1s;
                    proxy_next_upstream on;
                    proxy_next_upstream_tries {{backends.Count}};
                    proxy_next_upstream_timeout 3s;
                }
            }
            """;
    }
}
