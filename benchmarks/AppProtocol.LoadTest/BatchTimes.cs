using System.Diagnostics;

namespace AppProtocol.LoadTest;

/// <summary>The send time of each batch of requests in flight on one connection, oldest first, to time their answers.</summary>
/// <remarks>
/// One timestamp per batch sent and one per read, not per request: the answers found in one read to requests of one
/// batch all get the same latency, recorded at once. Every latency is still recorded (nothing is sampled away).
/// </remarks>
internal sealed class BatchTimes(int capacity)
{
    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;
    private readonly long[] _sentAt = new long[capacity];
    private readonly int[] _unanswered = new int[capacity];
    private int _head;
    private int _count;

    public void Clear() => _head = _count = 0;

    public void Sent(long timestamp, int requests)
    {
        int tail = (_head + _count) % _sentAt.Length;
        _sentAt[tail] = timestamp;
        _unanswered[tail] = requests;
        _count++;
    }

    /// <summary>Takes <paramref name="responses"/> answers off the oldest batches; records their latencies when <paramref name="latency"/> is given.</summary>
    public void Answered(long timestamp, int responses, LatencyHistogram? latency)
    {
        while (responses > 0)
        {
            int take = Math.Min(responses, _unanswered[_head]);
            latency?.Record((long)((timestamp - _sentAt[_head]) * NanosecondsPerTick), take);
            responses -= take;
            if ((_unanswered[_head] -= take) == 0)
            {
                _head = (_head + 1) % _sentAt.Length;
                _count--;
            }
        }
    }
}
