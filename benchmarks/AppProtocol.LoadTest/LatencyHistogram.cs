using System.Numerics;

namespace AppProtocol.LoadTest;

/// <summary>Latencies in nanoseconds in fixed log-linear buckets (HdrHistogram's layout: about 3% resolution), so recording never allocates.</summary>
/// <remarks>Values below 64 ns get a bucket each; above, every power of two is cut into 32 equal buckets.</remarks>
internal sealed class LatencyHistogram
{
    private const int LinearBuckets = 64;
    private const int BucketsPerOctave = 32;
    private readonly long[] _counts = new long[LinearBuckets + (58 * BucketsPerOctave)];

    public long Count { get; private set; }

    public long Max { get; private set; }

    public void Record(long nanoseconds) => Record(nanoseconds, 1);

    /// <summary>Records <paramref name="count"/> values of <paramref name="nanoseconds"/> each: responses that arrived together for requests sent together.</summary>
    public void Record(long nanoseconds, long count)
    {
        long value = Math.Max(0, nanoseconds);
        _counts[IndexOf(value)] += count;
        Count += count;
        Max = Math.Max(Max, value);
    }

    public void Add(LatencyHistogram other)
    {
        for (int i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        Max = Math.Max(Max, other.Max);
    }

    public void Reset()
    {
        Array.Clear(_counts);
        Count = 0;
        Max = 0;
    }

    /// <summary>The smallest bucket bound at or above <paramref name="percentile"/> percent of the values (never above the maximum seen).</summary>
    public long ValueAtPercentile(double percentile)
    {
        if (Count == 0)
        {
            return 0;
        }

        long target = Math.Max(1, (long)Math.Ceiling(percentile / 100 * Count));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= target)
            {
                return Math.Min(UpperBound(i), Max);
            }
        }

        return Max;
    }

    private static int IndexOf(long value)
    {
        if (value < LinearBuckets)
        {
            return (int)value;
        }

        int shift = BitOperations.Log2((ulong)value) - 5;
        return LinearBuckets + ((shift - 1) * BucketsPerOctave) + (int)(value >> shift) - BucketsPerOctave;
    }

    private static long UpperBound(int index)
    {
        if (index < LinearBuckets)
        {
            return index;
        }

        int shift = ((index - LinearBuckets) / BucketsPerOctave) + 1;
        long sub = ((index - LinearBuckets) % BucketsPerOctave) + BucketsPerOctave;
        return ((sub + 1) << shift) - 1;
    }
}
