using System.Diagnostics;
using System.Text;

namespace AppProtocol.Tests.Client;

/// <summary>A program run by a test: output captured line by line, killed on dispose, never waited on without a timeout.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Task _stderrPump;
    private Task? _stdoutPump;

    private ChildProcess(Process process)
    {
        _process = process;
        _stderrPump = PumpAsync(process.StandardError, _stderr);
    }

    public string StandardOutput
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <c>python3 script args</c>; fails clearly when python3 is not on PATH.</summary>
    public static ChildProcess StartPython(string script, params string[] args) => Start(FindPython(), [script, .. args]);

    /// <summary>Starts <c>dotnet program.dll args</c>.</summary>
    public static ChildProcess StartDotnet(string dll, params string[] args) => Start("dotnet", [dll, .. args]);

    /// <summary>Runs a program to its end; returns it exited, with its output.</summary>
    public static async Task<ChildProcess> RunAsync(ChildProcess started)
    {
        await started.WaitForExitAsync();
        return started;
    }

    /// <summary>Reads the first line of standard output (e.g. a server's Listening line), then keeps collecting the rest.</summary>
    public async Task<string> ReadFirstLineAsync()
    {
        string? line = await _process.StandardOutput.ReadLineAsync().WaitAsync(Timeout);
        _stdoutPump = PumpAsync(_process.StandardOutput, _stdout);
        return line ?? throw new InvalidOperationException($"The program printed nothing and ended. stderr: {StandardError}");
    }

    public async Task WaitForExitAsync()
    {
        _stdoutPump ??= PumpAsync(_process.StandardOutput, _stdout);
        await _process.WaitForExitAsync().WaitAsync(Timeout);
        await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(Timeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(Timeout);
        }

        _process.Dispose();
    }

    private static ChildProcess Start(string fileName, string[] args)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["PYTHONIOENCODING"] = "utf-8";
        info.Environment["PYTHONUNBUFFERED"] = "1";
        return new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}."));
    }

    private static string FindPython()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, "python3");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("python3 is not on PATH: the interoperability tests run the Python reference peers and need Python 3.");
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder into)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (into)
            {
                into.Append(line).Append('\n');
            }
        }
    }
}
