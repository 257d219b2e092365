using System.Buffers;
using System.Text;

namespace AppProtocol.Framing;

/// <summary>Writes a string as a JSON string literal the way Python's <c>json.dumps(ensure_ascii=False)</c> does: raw UTF-8, escaping only quotes, backslashes and control characters.</summary>
internal static class JsonStringEscaper
{
    // Printable ASCII but the two characters JSON escapes; ContainsAnyExceptInRange was measured to allocate here.
    private static readonly SearchValues<char> PlainAscii =
        SearchValues.Create([.. Enumerable.Range(' ', '~' - ' ' + 1).Select(c => (char)c).Where(c => c is not ('"' or '\\'))]);

    /// <summary>The length of the quoted, escaped UTF-8 literal.</summary>
    public static int GetLength(string value)
    {
        if (IsPlainAscii(value))
        {
            return value.Length + 2;
        }

        int length = 2;
        foreach (Rune rune in Runes(value))
        {
            length += rune.Value < 0x80 ? EscapedAsciiLength((char)rune.Value) : rune.Utf8SequenceLength;
        }

        return length;
    }

    /// <summary>Writes the quoted, escaped literal; <paramref name="destination"/> holds at least <see cref="GetLength"/> bytes.</summary>
    public static int Write(string value, Span<byte> destination)
    {
        destination[0] = (byte)'"';
        int written = 1;
        if (IsPlainAscii(value))
        {
            written += Encoding.ASCII.GetBytes(value, destination[1..]);
        }
        else
        {
            foreach (Rune rune in Runes(value))
            {
                written += rune.Value < 0x80
                    ? WriteAscii((char)rune.Value, destination[written..])
                    : rune.EncodeToUtf8(destination[written..]);
            }
        }

        destination[written++] = (byte)'"';
        return written;
    }

    private static bool IsPlainAscii(string value) => !value.AsSpan().ContainsAnyExcept(PlainAscii);

    private static StringRuneEnumerator Runes(string value)
    {
        // Lone surrogates cannot be written as UTF-8: refuse them rather than send U+FFFD.
        for (int i = 0; i < value.Length;)
        {
            if (Rune.DecodeFromUtf16(value.AsSpan(i), out _, out int consumed) != OperationStatus.Done)
            {
                throw new ArgumentException($"The string has an unpaired surrogate at index {i} and cannot be written as UTF-8.", nameof(value));
            }

            i += consumed;
        }

        return value.EnumerateRunes();
    }

    private static int EscapedAsciiLength(char c) => JsonEscapes.IsRequired(c) ? JsonEscapes.Length(c) : 1;

    private static int WriteAscii(char c, Span<byte> destination)
    {
        if (!JsonEscapes.IsRequired(c))
        {
            destination[0] = (byte)c;
            return 1;
        }

        destination[0] = (byte)'\\';
        char shortEscape = JsonEscapes.ShortEscape(c);
        if (shortEscape != '\0')
        {
            destination[1] = (byte)shortEscape;
            return 2;
        }

        "u00"u8.CopyTo(destination[1..]);
        destination[4] = (byte)JsonEscapes.HexDigit(c >> 4);
        destination[5] = (byte)JsonEscapes.HexDigit(c);
        return 6;
    }
}
