using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using AppProtocol.Framing;
using AppProtocol.Json;

namespace AppProtocol.Fuzz;

/// <summary>What a parse saw of one frame, copied out of the parser's buffer so that two parses can be compared.</summary>
public sealed class FrameSnapshot
{
    private FrameSnapshot(FrameHeader header, byte[] content, string jsonOutcome)
    {
        Header = header;
        Content = content;
        JsonOutcome = jsonOutcome;
    }

    /// <summary>The parsed header (its extra members are independent of the buffer).</summary>
    public FrameHeader Header { get; }

    /// <summary>A copy of the content.</summary>
    public byte[] Content { get; }

    /// <summary>What <see cref="JsonFrameReader"/> made of the content of a text/json frame: its JSON, or the error reason.</summary>
    public string JsonOutcome { get; }

    /// <summary>Copies a frame; for text/json, reads its content in place first (so that segmented content is read segmented).</summary>
    /// <param name="frame">A frame just parsed.</param>
    /// <returns>The snapshot.</returns>
    public static FrameSnapshot Of(in Frame frame) => new(frame.Header, frame.Content.ToArray(), ReadJson(frame));

    /// <summary>The frame, rebuilt over the copied content.</summary>
    /// <returns>A frame equal to the one parsed.</returns>
    public Frame ToFrame() => new(Header, Content);

    /// <summary>Describes the first difference from another snapshot, or returns <see langword="null"/> when they are the same.</summary>
    /// <param name="other">The other snapshot.</param>
    /// <param name="compareJson">Whether <see cref="JsonOutcome"/> must match too.</param>
    /// <returns>The difference, or <see langword="null"/>.</returns>
    public string? Difference(FrameSnapshot other, bool compareJson = true)
    {
        FrameHeader a = Header, b = other.Header;
        if (a.ByteOrder != b.ByteOrder || a.ContentLength != b.ContentLength
            || !string.Equals(a.ContentType, b.ContentType, StringComparison.Ordinal)
            || !string.Equals(a.ContentEncoding, b.ContentEncoding, StringComparison.Ordinal))
        {
            return $"required headers differ: {Describe(a)} vs {Describe(b)}";
        }

        if (!string.Equals(DescribeExtra(a), DescribeExtra(b), StringComparison.Ordinal))
        {
            return $"extra members differ: {DescribeExtra(a)} vs {DescribeExtra(b)}";
        }

        if (!Content.AsSpan().SequenceEqual(other.Content))
        {
            return $"content differs: {Convert.ToHexString(Content)} vs {Convert.ToHexString(other.Content)}";
        }

        return !compareJson || string.Equals(JsonOutcome, other.JsonOutcome, StringComparison.Ordinal)
            ? null
            : $"JSON content read differently: {JsonOutcome} vs {other.JsonOutcome}";
    }

    private static string ReadJson(in Frame frame)
    {
        if (!frame.Header.IsJson)
        {
            return "not json";
        }

        try
        {
            // Raw bytes, not GetRawText: should the library ever accept invalid UTF-8, that shows as a difference, not a crash here.
            JsonElement value = JsonFrameReader.Read(frame, FuzzJsonContext.Default.JsonElement);
            return "ok " + Encoding.UTF8.GetString(JsonMarshal.GetRawUtf8Value(value));
        }
        catch (ProtocolException ex)
        {
            return "error " + ex.Error;
        }
    }

    private static string Describe(in FrameHeader h) =>
        $"(byteorder {h.ByteOrder}, content-length {h.ContentLength}, content-type {Escape(h.ContentType)}, content-encoding {Escape(h.ContentEncoding)})";

    private static string DescribeExtra(in FrameHeader h)
    {
        if (h.ExtraMembers is null)
        {
            return "none";
        }

        var text = new StringBuilder();
        foreach ((string name, JsonElement value) in h.ExtraMembers.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            text.Append(Escape(name)).Append('=').Append(value.GetRawText()).Append(';');
        }

        return text.ToString();
    }

    private static string Escape(string value) => JsonSerializer.Serialize(value, FuzzJsonContext.Default.String);
}
