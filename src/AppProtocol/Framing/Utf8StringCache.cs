namespace AppProtocol.Framing;

/// <summary>Turns short UTF-8 values into strings, handing back the same string for the same bytes, so that steady traffic allocates none.</summary>
/// <remarks>
/// The recently seen strings are kept per thread, so parsers hold no state and connections share them. Each thread
/// starts with the protocol's own values and learns the application's as they arrive, replacing the oldest.
/// </remarks>
internal static class Utf8StringCache
{
    private const int Capacity = 8;
    private const int MaxCachedLength = 128;
    private static readonly string[] Seeds = [ContentTypes.Json, ContentTypes.Utf8Encoding, ContentTypes.BinaryEncoding];

    [ThreadStatic]
    private static (byte[] Utf8, string Value)[]? _recent;

    [ThreadStatic]
    private static int _next;

    public static string GetString(ReadOnlySpan<byte> utf8)
    {
        (byte[] Utf8, string Value)[] recent = _recent ?? Seed();
        foreach ((byte[] cached, string value) in recent)
        {
            if (cached is not null && utf8.SequenceEqual(cached))
            {
                return value;
            }
        }

        string result = System.Text.Encoding.UTF8.GetString(utf8);
        if (utf8.Length <= MaxCachedLength)
        {
            recent[_next] = (utf8.ToArray(), result);
            _next = (_next + 1) % Capacity;
        }

        return result;
    }

    private static (byte[] Utf8, string Value)[] Seed()
    {
        var recent = new (byte[] Utf8, string Value)[Capacity];
        for (int i = 0; i < Seeds.Length; i++)
        {
            recent[i] = (System.Text.Encoding.UTF8.GetBytes(Seeds[i]), Seeds[i]);
        }

        _next = Seeds.Length;
        return _recent = recent;
    }
}
