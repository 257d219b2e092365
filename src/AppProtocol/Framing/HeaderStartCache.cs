namespace AppProtocol.Framing;

/// <summary>
/// The starts of recently written headers (everything before the <c>content-length</c>'s digits), keyed by byte
/// order, content type and content encoding, so that the headers an application writes again and again are copied
/// rather than formatted.
/// </summary>
/// <remarks>
/// Kept per thread, so no lock is taken. Entries are replaced in turn and each keeps its buffer, so even a thread
/// writing more kinds of header than the cache holds allocates nothing once every entry has been used.
/// </remarks>
internal static class HeaderStartCache
{
    private const int Capacity = 4;

    // Starts longer than this (very long content types) are formatted every time rather than held.
    private const int MaxCachedLength = 256;

    [ThreadStatic]
    private static Entry[]? _entries;

    [ThreadStatic]
    private static int _next;

    /// <summary>The cached start for the header's byte order, content type and encoding; empty when there is none.</summary>
    public static ReadOnlySpan<byte> Find(in FrameHeader header)
    {
        if (_entries is { } entries)
        {
            for (int i = 0; i < entries.Length; i++)
            {
                ref readonly Entry entry = ref entries[i];
                if (entry.Order == header.ByteOrder
                    && string.Equals(entry.Type, header.ContentType, StringComparison.Ordinal)
                    && string.Equals(entry.Encoding, header.ContentEncoding, StringComparison.Ordinal))
                {
                    return entry.Utf8.AsSpan(0, entry.Length);
                }
            }
        }

        return default;
    }

    /// <summary>Remembers the start just formatted for the header, in place of the oldest entry.</summary>
    public static void Add(in FrameHeader header, ReadOnlySpan<byte> start)
    {
        if (start.Length > MaxCachedLength)
        {
            return;
        }

        Entry[] entries = _entries ??= new Entry[Capacity];
        ref Entry entry = ref entries[_next];
        byte[] buffer = entry.Utf8 ?? new byte[MaxCachedLength];
        start.CopyTo(buffer);
        entry = new Entry(header.ByteOrder, header.ContentType, header.ContentEncoding, buffer, start.Length);
        _next = (_next + 1) % Capacity;
    }

    private readonly record struct Entry(FrameByteOrder Order, string? Type, string? Encoding, byte[] Utf8, int Length);
}
