using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AppProtocol.Tests.Client;

namespace AppProtocol.Tests.Server;

/// <summary>A built sample server (<c>app-server</c>, <c>app-server-kestrel</c>) as a process: its port, its output lines as they come, SIGTERM.</summary>
/// <remarks>
/// Unlike <see cref="ChildProcess"/>, which collects the output, this waits for given lines as they come: among all the
/// lines printed so far, whatever their order, so that the lines of concurrent or refused connections never get in the way.
/// </remarks>
public sealed partial class SampleServerProcess : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];
    private readonly Task<string> _errors;
    private readonly Task _output;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _ended;

    private SampleServerProcess(Process process)
    {
        _process = process;
        _errors = process.StandardError.ReadToEndAsync();
        _output = ReadOutputAsync();
    }

    /// <summary>Where the server listens: loopback, on the port its "Listening on" line gives.</summary>
    public IPEndPoint EndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    /// <summary>The most memory the process has had resident so far (Linux's <c>VmHWM</c>), in bytes.</summary>
    public long PeakResidentBytes()
    {
        string line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Starts the program and waits for its "Listening on" line.</summary>
    public static async Task<SampleServerProcess> StartAsync(string program, params string[] args)
    {
        var server = new SampleServerProcess(Start(program, args));
        try
        {
            string listening = await server.WaitForLineAsync(line => line.StartsWith("Listening on ", StringComparison.Ordinal));
            Match port = ListeningLine().Match(listening);
            Assert.True(port.Success, listening);
            server.EndPoint = new IPEndPoint(IPAddress.Loopback, int.Parse(port.Groups[1].Value, CultureInfo.InvariantCulture));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The first line printed, so far or within <see cref="Patience"/>, that matches.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_lines.FirstOrDefault(match) is { } line)
                {
                    return line;
                }

                if (_ended)
                {
                    throw new Xunit.Sdk.XunitException($"The server ended its output without the line. {Describe()}");
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"No such line within {Patience}. {Describe()}");
            }
        }
    }

    public Task<string> WaitForLineAsync(string line) => WaitForLineAsync(seen => seen == line);

    /// <summary>The lines printed so far that end with the text (a client's address).</summary>
    public IReadOnlyList<string> LinesEndingWith(string end)
    {
        lock (_lock)
        {
            return _lines.Where(line => line.EndsWith(end, StringComparison.Ordinal)).ToArray();
        }
    }

    /// <summary>Sends SIGTERM and waits for the exit.</summary>
    /// <returns>The exit code.</returns>
    public async Task<int> TerminateAsync()
    {
        using (Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().WaitAsync(Patience);
        }

        await _process.WaitForExitAsync().WaitAsync(Patience);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WaitAsync(Patience);
        await Task.WhenAll(_output, _errors).WaitAsync(Patience);
        _process.Dispose();
    }

    /// <summary>The built program: app-server, app-server-kestrel or file-server.</summary>
    public static string ProgramPath(string program) => TestPaths.Sample(
        program switch { "app-server" => "AppServer", "file-server" => Path.Combine("FileTransfer", "FileServer"), _ => "KestrelAppServer" },
        program);

    private static Process Start(string program, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        start.ArgumentList.Add(ProgramPath(program));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    private async Task ReadOutputAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            lock (_lock)
            {
                _lines.Add(line);
                Changed();
            }
        }

        lock (_lock)
        {
            _ended = true;
            Changed();
        }
    }

    // Under the lock: wakes the waiters, who look again.
    private void Changed()
    {
        TaskCompletionSource changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.SetResult();
    }

    private string Describe()
    {
        lock (_lock)
        {
            string errors = _errors.IsCompletedSuccessfully ? _errors.Result : "(still open)";
            return $"Output so far:{Environment.NewLine}{string.Join(Environment.NewLine, _lines)}{Environment.NewLine}Standard error: {errors}";
        }
    }

    [GeneratedRegex(@"^Listening on \('[^']*', (\d+)\)$")]
    private static partial Regex ListeningLine();
}
