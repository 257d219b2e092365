using System.Diagnostics;
using System.Globalization;

namespace AppProtocol.Samples.FileClient;

/// <summary>Shows a transfer's progress while it runs: bytes, rate and time left.</summary>
internal abstract class TransferDisplay
{
    /// <summary>Runs <paramref name="transfer"/>, showing the bytes it reports out of <paramref name="total"/>.</summary>
    public abstract Task<T> RunAsync<T>(string verb, long total, Func<IProgress<long>, Task<T>> transfer);

    /// <summary>"12.3 MiB/s"-style rate and "0:01:05"-style time left, from what moved so far.</summary>
    protected static (string Rate, string Left) Estimate(long done, long total, TimeSpan elapsed)
    {
        double perSecond = elapsed.TotalSeconds > 0 ? done / elapsed.TotalSeconds : 0;
        string rate = string.Create(CultureInfo.InvariantCulture, $"{perSecond / (1024 * 1024):0.0} MiB/s");
        string left = perSecond > 0 ? TimeSpan.FromSeconds(Math.Ceiling((total - done) / perSecond)).ToString("c", CultureInfo.InvariantCulture) : "unknown";
        return (rate, left);
    }

    /// <summary>Calls back on the reporting thread, in order (a <see cref="Progress{T}"/> would post, out of order).</summary>
    protected sealed class Callback(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}

/// <summary>When the output is not a terminal: a plain line at every tenth of the transfer, and at its end.</summary>
internal sealed class PlainProgress(TextWriter output) : TransferDisplay
{
    public override async Task<T> RunAsync<T>(string verb, long total, Func<IProgress<long>, Task<T>> transfer)
    {
        var clock = Stopwatch.StartNew();
        int shown = 0;
        T result = await transfer(new Callback(done =>
        {
            int tenth = total == 0 ? 10 : (int)(done * 10 / total);
            if (tenth > shown)
            {
                shown = tenth;
                (string rate, string left) = Estimate(done, total, clock.Elapsed);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{verb} {tenth * 10}% ({done} of {total} bytes, {rate}, {left} left)"));
            }
        }));

        if (shown < 10)
        {
            (string rate, _) = Estimate(total, total, clock.Elapsed);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{verb} 100% ({total} of {total} bytes, {rate}, 00:00:00 left)"));
        }

        return result;
    }
}
