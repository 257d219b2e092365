using Spectre.Console;

namespace AppProtocol.Samples.FileClient;

/// <summary>
/// On a terminal: a live progress bar with the bytes moved, the rate and the time left (Spectre.Console's progress
/// display, which measures the rate and redraws in place; no reflection, so it stays trimming-safe).
/// </summary>
internal sealed class TerminalProgress : TransferDisplay
{
    public override Task<T> RunAsync<T>(string verb, long total, Func<IProgress<long>, Task<T>> transfer) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(
                new TaskDescriptionColumn(),
                new ProgressBarColumn(),
                new PercentageColumn(),
                new DownloadedColumn(),
                new TransferSpeedColumn(),
                new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask(verb, maxValue: Math.Max(total, 1));
                T result = await transfer(new Callback(done => task.Value = done));
                task.Value = task.MaxValue;
                return result;
            });
}
