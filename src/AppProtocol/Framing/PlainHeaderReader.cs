using System.Buffers;

namespace AppProtocol.Framing;

/// <summary>Reads a header laid out exactly as the reference (Python's <c>json.dumps</c>) and <see cref="FrameWriter"/>
/// write it, by comparing its fixed parts and scanning its two strings and its length, without a JSON reader.</summary>
/// <remarks>
/// The layout is <c>{"byteorder": "little", "content-type": "…", "content-encoding": "…", "content-length": N}</c>
/// with strings free of escapes and control characters and N a plain integer within the limit. It decides nothing
/// on its own: any other header (another order or spacing, extra members, escapes, anything malformed or over a limit)
/// makes it return <see langword="false"/>, and <see cref="HeaderParser"/>'s full reader then accepts or rejects the
/// header with its reason. Where it accepts, the full reader returns the same header; the tests hold it to that over
/// every header they know and thousands of mutants. It exists because a header is parsed for every frame, and this
/// costs about a third of the full reader.
/// </remarks>
internal static class PlainHeaderReader
{
    // A string's end, or what makes it other than plain: an escape or a control character (which JSON forbids raw).
    private static readonly SearchValues<byte> StringStop = SearchValues.Create([(byte)'"', (byte)'\\', .. Enumerable.Range(0, 0x20).Select(b => (byte)b)]);

    private static ReadOnlySpan<byte> LittleStart => "{\"byteorder\": \"little\", \"content-type\": \""u8;

    private static ReadOnlySpan<byte> BigStart => "{\"byteorder\": \"big\", \"content-type\": \""u8;

    private static ReadOnlySpan<byte> EncodingPart => ", \"content-encoding\": \""u8;

    private static ReadOnlySpan<byte> LengthPart => ", \"content-length\": "u8;

    /// <summary>Reads a header in the reference's layout, or returns <see langword="false"/> to leave <paramref name="json"/> to the full reader.</summary>
    /// <param name="json">The header: valid UTF-8 without a byte order mark (the caller checks both).</param>
    /// <param name="maxContentLength">Lengths above this are left to the full reader, which reports them.</param>
    /// <param name="header">The header, when the result is <see langword="true"/>.</param>
    public static bool TryRead(ReadOnlySpan<byte> json, long maxContentLength, out FrameHeader header)
    {
        header = default;
        FrameByteOrder byteOrder;
        if (json.StartsWith(LittleStart))
        {
            byteOrder = FrameByteOrder.Little;
            json = json[LittleStart.Length..];
        }
        else if (json.StartsWith(BigStart))
        {
            byteOrder = FrameByteOrder.Big;
            json = json[BigStart.Length..];
        }
        else
        {
            return false;
        }

        if (!TryReadString(ref json, out ReadOnlySpan<byte> contentType) || !TrySkip(ref json, EncodingPart)
            || !TryReadString(ref json, out ReadOnlySpan<byte> contentEncoding) || !TrySkip(ref json, LengthPart)
            || !TryReadLength(json, maxContentLength, out long contentLength))
        {
            return false;
        }

        header = new FrameHeader
        {
            ByteOrder = byteOrder,
            ContentLength = contentLength,
            ContentType = Utf8StringCache.GetString(contentType),
            ContentEncoding = Utf8StringCache.GetString(contentEncoding),
        };
        return true;
    }

    private static bool TrySkip(ref ReadOnlySpan<byte> json, ReadOnlySpan<byte> expected)
    {
        if (!json.StartsWith(expected))
        {
            return false;
        }

        json = json[expected.Length..];
        return true;
    }

    // The rest of a string whose opening quote is behind: its bytes are its value, up to the closing quote.
    private static bool TryReadString(ref ReadOnlySpan<byte> json, out ReadOnlySpan<byte> value)
    {
        int end = json.IndexOfAny(StringStop);
        if (end < 0 || json[end] != (byte)'"')
        {
            value = default;
            return false;
        }

        value = json[..end];
        json = json[(end + 1)..];
        return true;
    }

    // The length and the closing brace, nothing after: digits without a leading zero, short enough not to overflow.
    private static bool TryReadLength(ReadOnlySpan<byte> json, long maxContentLength, out long length)
    {
        length = 0;
        int digits = json.Length - 1;
        if (digits is < 1 or > 18 || json[digits] != (byte)'}' || (digits > 1 && json[0] == (byte)'0'))
        {
            return false;
        }

        foreach (byte b in json[..digits])
        {
            if (!char.IsAsciiDigit((char)b))
            {
                return false;
            }

            length = (length * 10) + (b - '0');
        }

        return length <= maxContentLength;
    }
}
