using System.Runtime.InteropServices;
using System.Text.Json;

namespace AppProtocol.Framing;

/// <summary>Formats a JSON header exactly as the reference does: <c>{"byteorder": "little", "content-type": ..., "content-encoding": ..., "content-length": N}</c>, then any extra members.</summary>
internal static class HeaderWriter
{
    private static ReadOnlySpan<byte> ByteOrderPrefix => "{\"byteorder\": "u8;
    private static ReadOnlySpan<byte> ContentTypePrefix => ", \"content-type\": "u8;
    private static ReadOnlySpan<byte> ContentEncodingPrefix => ", \"content-encoding\": "u8;
    private static ReadOnlySpan<byte> ContentLengthPrefix => ", \"content-length\": "u8;
    private static ReadOnlySpan<byte> MemberSeparator => ", "u8;
    private static ReadOnlySpan<byte> NameSeparator => ": "u8;

    public static int GetLength(in FrameHeader header)
    {
        ReadOnlySpan<byte> start = HeaderStartCache.Find(header);
        int length = (start.IsEmpty ? GetStartLength(header) : start.Length)
            + CountDigits(header.ContentLength)
            + 1;

        if (header.ExtraMembers is { } extra)
        {
            foreach ((string name, JsonElement value) in extra)
            {
                ValidateExtra(name, value);
                length += MemberSeparator.Length + JsonStringEscaper.GetLength(name) + NameSeparator.Length + JsonMarshal.GetRawUtf8Value(value).Length;
            }
        }

        if (length > ushort.MaxValue)
        {
            throw new ArgumentException($"The JSON header would be {length} bytes; the protocol allows at most {ushort.MaxValue}.", nameof(header));
        }

        return length;
    }

    /// <summary>Writes the header whose length <see cref="GetLength"/> gave into exactly that many bytes.</summary>
    public static void Write(in FrameHeader header, Span<byte> destination)
    {
        ReadOnlySpan<byte> start = HeaderStartCache.Find(header);
        int at;
        if (start.IsEmpty)
        {
            at = WriteStart(header.ByteOrder, header.ContentType, header.ContentEncoding, destination);
            HeaderStartCache.Add(header, destination[..at]);
        }
        else
        {
            at = Append(destination, 0, start);
        }

        header.ContentLength.TryFormat(destination[at..], out int digits, provider: System.Globalization.CultureInfo.InvariantCulture);
        at += digits;

        if (header.ExtraMembers is { } extra)
        {
            foreach ((string name, JsonElement value) in extra)
            {
                at = Append(destination, at, MemberSeparator);
                at += JsonStringEscaper.Write(name, destination[at..]);
                at = Append(destination, at, NameSeparator);
                at = Append(destination, at, JsonMarshal.GetRawUtf8Value(value));
            }
        }

        destination[at] = (byte)'}';
    }

    private static int GetStartLength(in FrameHeader header) =>
        ByteOrderPrefix.Length + ByteOrderLiteral(header.ByteOrder).Length
        + ContentTypePrefix.Length + JsonStringEscaper.GetLength(header.ContentType)
        + ContentEncodingPrefix.Length + JsonStringEscaper.GetLength(header.ContentEncoding)
        + ContentLengthPrefix.Length;

    private static int WriteStart(FrameByteOrder order, string contentType, string contentEncoding, Span<byte> destination)
    {
        int at = Append(destination, 0, ByteOrderPrefix);
        at = Append(destination, at, ByteOrderLiteral(order));
        at = Append(destination, at, ContentTypePrefix);
        at += JsonStringEscaper.Write(contentType, destination[at..]);
        at = Append(destination, at, ContentEncodingPrefix);
        at += JsonStringEscaper.Write(contentEncoding, destination[at..]);
        return Append(destination, at, ContentLengthPrefix);
    }

    private static int Append(Span<byte> destination, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[at..]);
        return at + bytes.Length;
    }

    private static ReadOnlySpan<byte> ByteOrderLiteral(FrameByteOrder order) => order switch
    {
        FrameByteOrder.Little => "\"little\""u8,
        FrameByteOrder.Big => "\"big\""u8,
        _ => throw new ArgumentOutOfRangeException(nameof(order), order, "Unknown byte order."),
    };

    private static int CountDigits(long value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }

    private static void ValidateExtra(string name, JsonElement value)
    {
        if (name is "byteorder" or "content-length" or "content-type" or "content-encoding")
        {
            throw new ArgumentException($"Extra header member '{name}' would repeat a required member.", nameof(name));
        }

        if (value.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException($"Extra header member '{name}' has no value.", nameof(value));
        }
    }
}
