using System.Diagnostics;
using AppProtocol.Client;

namespace AppProtocol.Rolling;

/// <summary>
/// Callers that each loop <c>await client.SendJsonAsync(...)</c> on a client of their own, as the README shows, and
/// check every answer; counts completions, failures and wrong answers, and the longest call a caller saw.
/// </summary>
internal sealed class LoadRun(Func<FrameClientOptions> options, int callers, Timeline timeline)
{
    private static readonly (string Value, string Answer)[] Questions =
    [
        ("morpheus", "Follow the white rabbit. \U0001F430"),
        ("ring", "In the caves beneath the Misty Mountains. \U0001F48D"),
    ];

    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<(long Count, TaskCompletionSource Reached)> _waiters = [];
    private readonly Dictionary<string, int> _failures = [];
    private Task[] _callers = [];
    private long _completed;
    private long _failed;
    private long _wrong;
    private long _longestTicks;
    private int _waiting;

    public long Completed => Interlocked.Read(ref _completed);

    public long Failed => Interlocked.Read(ref _failed);

    public long Wrong => Interlocked.Read(ref _wrong);

    public TimeSpan LongestCall => TimeSpan.FromTicks(Interlocked.Read(ref _longestTicks) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);

    public IReadOnlyDictionary<string, int> Failures
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, int>(_failures);
            }
        }
    }

    public void Start() => _callers = [.. Enumerable.Range(0, callers).Select(i => Task.Run(() => CallAsync(i)))];

    /// <summary>Completes when <paramref name="more"/> more calls than now have completed.</summary>
    public Task AfterMoreAsync(long more)
    {
        lock (_gate)
        {
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((Completed + more, reached));
            Volatile.Write(ref _waiting, _waiters.Count);
            return reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_callers);
    }

    private async Task CallAsync(int caller)
    {
        await using var client = new FrameClient(options());
        for (int i = caller; !_stop.IsCancellationRequested; i++)
        {
            (string value, string answer) = Questions[i % Questions.Length];
            long started = Stopwatch.GetTimestamp();
            try
            {
                SearchResponse? response = await client.SendJsonAsync(new SearchRequest("search", value), RollingJsonContext.Default.SearchRequest, RollingJsonContext.Default.SearchResponse);
                if (response?.Result != answer)
                {
                    Interlocked.Increment(ref _wrong);
                }
            }
            catch (Exception ex) when (ex is FrameClientException or Framing.ProtocolException or IOException)
            {
                Interlocked.Increment(ref _failed);
                string failure = $"{ex.GetType().Name}: {ex.Message}";
                Record(failure);
                timeline.Failure(failure);
            }

            Longest(Stopwatch.GetTimestamp() - started);
            Done();
        }
    }

    private void Longest(long ticks)
    {
        long seen;
        while (ticks > (seen = Interlocked.Read(ref _longestTicks)) && Interlocked.CompareExchange(ref _longestTicks, ticks, seen) != seen)
        {
        }
    }

    private void Done()
    {
        long now = Interlocked.Increment(ref _completed);
        if (Volatile.Read(ref _waiting) == 0)
        {
            return;
        }

        lock (_gate)
        {
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Count <= now)
                {
                    _waiters[i].Reached.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }

            Volatile.Write(ref _waiting, _waiters.Count);
        }
    }

    private void Record(string failure)
    {
        lock (_gate)
        {
            _failures[failure] = _failures.GetValueOrDefault(failure) + 1;
        }
    }
}
