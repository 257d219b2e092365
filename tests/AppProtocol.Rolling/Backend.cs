using System.Diagnostics;
using System.Globalization;

namespace AppProtocol.Rolling;

/// <summary>One <c>app-server</c> process on a fixed port, restarted in place; counts the requests it logged across restarts.</summary>
internal sealed class Backend(string name, int port, string[] extraArguments, Timeline timeline, string logDirectory) : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private Process? _process;
    private TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _output = Task.CompletedTask;
    private long _requests;

    public string Name => name;

    public int Port => port;

    /// <summary>Requests this backend logged ("Received request" lines), over all its processes.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    public int Restarts { get; private set; }

    /// <summary>Starts the process and waits for its "Listening on" line.</summary>
    public async Task StartAsync()
    {
        _listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Paths.AppServer);
        start.ArgumentList.Add("127.0.0.1");
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        foreach (string argument in extraArguments)
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException($"{name}: app-server did not start.");
        _output = ReadOutputAsync(_process);
        _ = _process.StandardError.ReadToEndAsync();
        await _listening.Task.WaitAsync(Patience);
        timeline.Event($"{name} listening");
    }

    /// <summary>Sends SIGTERM, waits for a clean exit, and starts the server again on the same port.</summary>
    public async Task RestartAsync()
    {
        Process process = _process ?? throw new InvalidOperationException("Not started.");
        timeline.Event($"{name} SIGTERM");
        using (Process kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().WaitAsync(Patience);
        }

        await process.WaitForExitAsync().WaitAsync(Patience);
        await _output.WaitAsync(Patience);
        timeline.Event($"{name} exited");
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{name} exited with {process.ExitCode} on SIGTERM.");
        }

        process.Dispose();
        Restarts++;
        await StartAsync();
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

    // Every line goes to <name>.log in the run's directory (kept with --keep), for reading a failed run afterwards.
    private async Task ReadOutputAsync(Process process)
    {
        await using var log = new StreamWriter(Path.Combine(logDirectory, $"{name}.log"), append: true);
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{timeline.Now,10:F1} {line}"));
            if (line.StartsWith("Received request", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _requests);
            }
            else if (line.StartsWith("Listening on", StringComparison.Ordinal))
            {
                _listening.TrySetResult();
            }
        }
    }
}
