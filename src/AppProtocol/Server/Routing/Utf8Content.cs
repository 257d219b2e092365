using System.Buffers;
using System.Text;
using AppProtocol.Framing;
using AppProtocol.Json;

namespace AppProtocol.Server.Routing;

/// <summary>A <c>text/json</c> request's content as valid UTF-8, which <see cref="System.Text.Json.Utf8JsonReader"/> reads: in place when it is UTF-8, else decoded as <see cref="JsonFrameReader"/> decodes it.</summary>
internal static class Utf8Content
{
    /// <exception cref="ProtocolException">Unknown encoding, or bytes invalid in it (<see cref="JsonFrameReader"/>'s rules).</exception>
    public static ReadOnlySequence<byte> Of(in Frame request)
    {
        FrameHeader header = request.Header;
        ReadOnlySequence<byte> content = request.Content;
        if (header.ContentEncoding == ContentTypes.Utf8Encoding)
        {
            JsonFrameReader.ValidateUtf8(content);
            return content;
        }

        Span<byte> start = stackalloc byte[4];
        start = start[..(int)Math.Min(4, content.Length)];
        content.Slice(0, start.Length).CopyTo(start);
        TextContentEncoding encoding = TextContentEncoding.Find(header.ContentEncoding, header.ByteOrder, start, out int bomLength)
            ?? throw new ProtocolException(ProtocolError.UnsupportedContentEncoding, $"Unsupported content-encoding '{header.ContentEncoding}' for text/json content.");
        content = content.Slice(bomLength);
        if (encoding.IsUtf8)
        {
            JsonFrameReader.ValidateUtf8(content);
            return content;
        }

        // Rare (the reference always sends utf-8): decoded and re-encoded, allocating.
        string text;
        try
        {
            text = encoding.Encoding.GetString(content);
        }
        catch (DecoderFallbackException ex)
        {
            throw new ProtocolException(ProtocolError.InvalidContent, $"The text/json content is not valid '{header.ContentEncoding}' text.", ex);
        }

        return text.StartsWith('\uFEFF')
            ? throw new ProtocolException(ProtocolError.InvalidContent, "The text/json content starts with a byte order mark its encoding does not consume.")
            : new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text));
    }
}
