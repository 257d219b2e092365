using System.Text.Json;

namespace AppProtocol.Framing;

/// <summary>The JSON header of a frame: the four required members, typed, and any other members kept as JSON.</summary>
/// <remarks>
/// A value type so that reading a frame allocates nothing: the strings of well-known and recently seen
/// content types and encodings are shared, and <see cref="ExtraMembers"/> is <see langword="null"/> unless
/// the header has members beyond the required four.
/// </remarks>
public readonly struct FrameHeader
{
    /// <summary>Creates a header for content of the given type, encoding and length, in this machine's byte order.</summary>
    /// <param name="contentType">The <c>content-type</c>; <see cref="ContentTypes.Json"/> means JSON, anything else binary.</param>
    /// <param name="contentEncoding">The <c>content-encoding</c>: a text encoding for JSON, <see cref="ContentTypes.BinaryEncoding"/> otherwise.</param>
    /// <param name="contentLength">The number of content bytes.</param>
    public FrameHeader(string contentType, string contentEncoding, long contentLength)
    {
        ArgumentNullException.ThrowIfNull(contentType);
        ArgumentNullException.ThrowIfNull(contentEncoding);
        ArgumentOutOfRangeException.ThrowIfNegative(contentLength);
        ContentType = contentType;
        ContentEncoding = contentEncoding;
        ContentLength = contentLength;
        ByteOrder = NativeByteOrder;
    }

    /// <summary>This machine's byte order, which the reference writes into every header it sends.</summary>
    public static FrameByteOrder NativeByteOrder => BitConverter.IsLittleEndian ? FrameByteOrder.Little : FrameByteOrder.Big;

    /// <summary>The <c>byteorder</c> member.</summary>
    public FrameByteOrder ByteOrder { get; init; }

    /// <summary>The <c>content-length</c> member: how many content bytes follow the header.</summary>
    public long ContentLength { get; init; }

    /// <summary>The <c>content-type</c> member.</summary>
    public string ContentType { get; init; }

    /// <summary>The <c>content-encoding</c> member.</summary>
    public string ContentEncoding { get; init; }

    /// <summary>Members beyond the required four, by name, or <see langword="null"/> when there are none.</summary>
    /// <remarks>Values read from the wire are independent of the read buffer and may be kept. Names must not repeat a required member.</remarks>
    public IReadOnlyDictionary<string, JsonElement>? ExtraMembers { get; init; }

    /// <summary>Whether the content is JSON (<c>content-type</c> is exactly <c>text/json</c>, as the reference compares it).</summary>
    public bool IsJson => string.Equals(ContentType, ContentTypes.Json, StringComparison.Ordinal);

    /// <summary>A header for UTF-8 JSON content of the given length.</summary>
    /// <param name="contentLength">The number of content bytes.</param>
    public static FrameHeader Json(long contentLength) => new(ContentTypes.Json, ContentTypes.Utf8Encoding, contentLength);

    /// <summary>A header for binary content of the given type and length.</summary>
    /// <param name="contentType">The <c>content-type</c>; must not be <c>text/json</c>.</param>
    /// <param name="contentLength">The number of content bytes.</param>
    public static FrameHeader Binary(string contentType, long contentLength) => new(contentType, ContentTypes.BinaryEncoding, contentLength);
}
