using System.Text;
using AppProtocol.Framing;

namespace AppProtocol.Json;

/// <summary>Maps a <c>content-encoding</c> name to a strict decoder, accepting the spellings Python accepts for the encodings .NET ships.</summary>
internal sealed class TextContentEncoding
{
    /// <summary>UTF-8, strict: <c>utf-8</c> and its other spellings.</summary>
    public static readonly TextContentEncoding Utf8 = new(new UTF8Encoding(false, true), isUtf8: true, bomDetects: false);
    private static readonly TextContentEncoding Utf8Sig = new(new UTF8Encoding(false, true), isUtf8: true, bomDetects: true);
    private static readonly TextContentEncoding Utf16Le = new(new UnicodeEncoding(false, false, true), false, false);
    private static readonly TextContentEncoding Utf16Be = new(new UnicodeEncoding(true, false, true), false, false);
    private static readonly TextContentEncoding Utf32Le = new(new UTF32Encoding(false, false, true), false, false);
    private static readonly TextContentEncoding Utf32Be = new(new UTF32Encoding(true, false, true), false, false);
    private static readonly TextContentEncoding Ascii = new(Encoding.GetEncoding("us-ascii", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback), false, false);
    private static readonly TextContentEncoding Latin1 = new(Encoding.Latin1, false, false);

    private TextContentEncoding(Encoding encoding, bool isUtf8, bool bomDetects)
    {
        Encoding = encoding;
        IsUtf8 = isUtf8;
        BomDetects = bomDetects;
    }

    /// <summary>A strict decoder: invalid bytes throw <see cref="DecoderFallbackException"/>.</summary>
    public Encoding Encoding { get; }

    /// <summary>Whether the content is UTF-8 and can be parsed without transcoding.</summary>
    public bool IsUtf8 { get; }

    /// <summary>Whether a leading byte order mark is consumed (utf-8-sig), rather than being an error.</summary>
    public bool BomDetects { get; }

    /// <summary>Finds the decoder for <paramref name="name"/>; for <c>utf-16</c> and <c>utf-32</c> a BOM decides the byte order, else <paramref name="byteOrder"/>.</summary>
    public static TextContentEncoding? Find(string name, FrameByteOrder byteOrder, ReadOnlySpan<byte> start, out int bomLength)
    {
        bomLength = 0;
        if (name == ContentTypes.Utf8Encoding)
        {
            return Utf8;
        }

        Span<char> normalized = stackalloc char[24];
        int length = 0;
        foreach (char c in name)
        {
            if (c is '-' or '_' or ' ')
            {
                continue;
            }

            if (length == normalized.Length)
            {
                return null;
            }

            normalized[length++] = char.ToLowerInvariant(c);
        }

        switch (normalized[..length])
        {
            case "utf8" or "u8" or "utf" or "cp65001":
                return Utf8;
            case "utf8sig":
                bomLength = start.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
                return Utf8Sig;
            case "utf16" or "u16":
                return Marked(start, byteOrder, Utf16Le, Utf16Be, [0xFF, 0xFE], [0xFE, 0xFF], out bomLength);
            case "utf16le":
                return Utf16Le;
            case "utf16be":
                return Utf16Be;
            case "utf32" or "u32":
                return Marked(start, byteOrder, Utf32Le, Utf32Be, [0xFF, 0xFE, 0x00, 0x00], [0x00, 0x00, 0xFE, 0xFF], out bomLength);
            case "utf32le":
                return Utf32Le;
            case "utf32be":
                return Utf32Be;
            case "ascii" or "usascii" or "646" or "us":
                return Ascii;
            case "latin1" or "latin" or "l1" or "iso88591" or "iso8859" or "8859" or "cp819":
                return Latin1;
            default:
                return null;
        }
    }

    private static TextContentEncoding Marked(ReadOnlySpan<byte> start, FrameByteOrder byteOrder, TextContentEncoding little, TextContentEncoding big, ReadOnlySpan<byte> littleBom, ReadOnlySpan<byte> bigBom, out int bomLength)
    {
        bomLength = littleBom.Length;
        if (start.StartsWith(littleBom))
        {
            return little;
        }

        if (start.StartsWith(bigBom))
        {
            return big;
        }

        bomLength = 0;
        return byteOrder == FrameByteOrder.Big ? big : little;
    }
}
