using System.Diagnostics;
using System.Text;

namespace AppProtocol.Rolling;

/// <summary>
/// nginx's stream module, started here in the foreground: round robin over the backends with <c>proxy_protocol on</c>
/// (version 1), passive health (a backend that refuses a connection is skipped for 1 s, the next one tried).
/// </summary>
internal sealed class NginxFront(string workDirectory, bool proxyProtocol) : IFront
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
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

    // Passive health only: the backend listens again, and nginx tries it on the next connection after its 1 s.
    public Task WaitUntilServingAsync(Backend backend) => Task.CompletedTask;

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
            upstream.AppendLine($"        server 127.0.0.1:{backend.Port} max_fails=1 fail_timeout=1s;");
        }

        return $$"""
            load_module {{StreamModule}};
            daemon off;
            master_process off;
            pid {{Path.Combine(workDirectory, "nginx.pid")}};
            error_log stderr warn;
            events { worker_connections 4096; }
            stream {
                upstream servers {
            {{upstream}}    }
                server {
                    listen 127.0.0.1:{{Port}};
                    proxy_pass servers;
                    proxy_protocol {{(proxyProtocol ? "on" : "off")}};
                    proxy_connect_timeout 2s;
                }
            }
            """;
    }
}
