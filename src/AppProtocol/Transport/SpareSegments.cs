namespace AppProtocol.Transport;

/// <summary>A few released <see cref="PooledSegment"/> objects of one pipe, kept to chain buffers again without allocating.</summary>
/// <remarks>Used by one reader or one writer at a time, so it needs no synchronisation. An idle pipe keeps at most
/// <see cref="Capacity"/> empty segment objects (no buffers).</remarks>
internal struct SpareSegments
{
    /// <summary>Enough for the 64 KiB reads of a 256 KiB frame; a larger frame allocates the rest, a few per MiB.</summary>
    public const int Capacity = 4;

    private PooledSegment? _first;
    private int _count;

    public PooledSegment Take()
    {
        if (_first is not { } segment)
        {
            return new PooledSegment();
        }

        _first = segment.NextSegment;
        _count--;
        segment.Release();
        return segment;
    }

    /// <summary>Releases the segment's buffer and keeps the segment, unless enough are kept already.</summary>
    public void Give(PooledSegment segment)
    {
        segment.Release();
        if (_count < Capacity)
        {
            segment.Append(_first);
            _first = segment;
            _count++;
        }
    }
}
