using System.Buffers;
using System.Text;
using System.Text.Json;
using AppProtocol.Framing;
using AppProtocol.Fuzz;
using AppProtocol.Json;

namespace AppProtocol.Tests.Hostile;

/// <summary>Content that is not what its header says: <see cref="JsonFrameReader"/> answers with the exact reason, from one buffer and from one-byte segments.</summary>
public sealed class ContentHostileInputTests
{

    private static readonly Dictionary<string, (string Type, string Encoding, byte[] Content, ProtocolError? Expected)> Cases = new(StringComparer.Ordinal)
    {
        ["invalid JSON"] = ("text/json", "utf-8", "{\"action\": "u8.ToArray(), ProtocolError.InvalidContent),
        ["empty text/json content"] = ("text/json", "utf-8", [], ProtocolError.InvalidContent),
        ["data after the JSON value"] = ("text/json", "utf-8", "{} {}"u8.ToArray(), ProtocolError.InvalidContent),
        ["comment in JSON content"] = ("text/json", "utf-8", "{} // hi"u8.ToArray(), ProtocolError.InvalidContent),
        ["UTF-8 BOM under utf-8"] = ("text/json", "utf-8", [0xEF, 0xBB, 0xBF, .. "{}"u8], ProtocolError.InvalidContent),
        ["latin-1 byte under utf-8"] = ("text/json", "utf-8", [.. "\"caf"u8, 0xE9, (byte)'"'], ProtocolError.InvalidContent),
        ["UTF-8 bytes under utf-16"] = ("text/json", "utf-16", "{\"a\": 1}"u8.ToArray(), ProtocolError.InvalidContent),
        ["odd byte count under utf-16"] = ("text/json", "utf-16", "123"u8.ToArray(), ProtocolError.InvalidContent),
        ["lone surrogate under utf-16-le"] = ("text/json", "utf-16-le", [(byte)'"', 0, 0x00, 0xD8, (byte)'"', 0], ProtocolError.InvalidContent),
        ["5 bytes under utf-32"] = ("text/json", "utf-32", "12345"u8.ToArray(), ProtocolError.InvalidContent),
        ["non-ASCII byte under ascii"] = ("text/json", "ascii", [.. "\"caf"u8, 0xE9, (byte)'"'], ProtocolError.InvalidContent),
        ["unknown encoding"] = ("text/json", "klingon", "{}"u8.ToArray(), ProtocolError.UnsupportedContentEncoding),
        ["binary encoding for text/json"] = ("text/json", "binary", "{}"u8.ToArray(), ProtocolError.UnsupportedContentEncoding),
        ["empty encoding name"] = ("text/json", "", "{}"u8.ToArray(), ProtocolError.UnsupportedContentEncoding),
        ["very long encoding name"] = ("text/json", new string('u', 10_000), "{}"u8.ToArray(), ProtocolError.UnsupportedContentEncoding),
        ["JSON asked of binary content"] = ("binary/x", "binary", "{}"u8.ToArray(), ProtocolError.NotJsonContent),
        ["JSON asked of Text/Json (case differs)"] = ("Text/Json", "utf-8", "{}"u8.ToArray(), ProtocolError.NotJsonContent),
        ["ok: latin-1 byte under latin-1"] = ("text/json", "latin-1", [.. "\"caf"u8, 0xE9, (byte)'"'], null),
        ["ok: UTF-16 with BOM"] = ("text/json", "utf-16", [0xFF, 0xFE, (byte)'1', 0], null),
        ["ok: UTF-8 BOM under utf-8-sig"] = ("text/json", "utf-8-sig", [0xEF, 0xBB, 0xBF, .. "{}"u8], null),
        ["ok: ASCII under utf-8"] = ("text/json", "utf-8", "{\"action\": \"search\"}"u8.ToArray(), null),
    };

    public static TheoryData<string> Names() => [.. Cases.Keys.Order(StringComparer.Ordinal)];

    // One-byte segments split every multi-byte character; the known bug is limited to UTF-8 with non-ASCII bytes, tested below.
    public static TheoryData<string> NamesSafeToSegment() =>
        [.. Cases.Where(c => !(c.Value.Encoding.StartsWith("utf-8", StringComparison.Ordinal) && c.Value.Content.Any(b => b >= 0x80))).Select(c => c.Key).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Content_in_one_buffer_reads_with_the_exact_reason(string name)
    {
        var (type, encoding, content, expected) = Cases[name];

        Assert.Equal(expected, ReadJson(FrameOf(type, encoding, new ReadOnlySequence<byte>(content))));
    }

    [Theory]
    [MemberData(nameof(NamesSafeToSegment))]
    public void Content_in_one_byte_segments_reads_with_the_exact_reason(string name)
    {
        var (type, encoding, content, expected) = Cases[name];

        Assert.Equal(expected, ReadJson(FrameOf(type, encoding, ChunkSegment.Split(content, 1))));
    }

    [Fact]
    public void Valid_UTF8_character_split_across_segments_is_read()
    {
        byte[] content = Encoding.UTF8.GetBytes("\"🐰\"");

        Frame frame = FrameOf("text/json", "utf-8", ChunkSegment.Split(content, 2));

        Assert.Equal("🐰", JsonFrameReader.Read<string>(frame));
    }

    [Fact]
    public void Invalid_UTF8_split_across_segments_is_invalid_content() => // the string "\xEF": a lead byte without its continuation
        Assert.Equal(ProtocolError.InvalidContent, ReadJson(FrameOf("text/json", "utf-8", ChunkSegment.Split(new byte[] { 0x22, 0xEF, 0x22 }, 2))));

    private static Frame FrameOf(string type, string encoding, ReadOnlySequence<byte> content) =>
        new(new FrameHeader(type, encoding, content.Length), content);

    private static ProtocolError? ReadJson(in Frame frame)
    {
        try
        {
            JsonFrameReader.Read<JsonElement>(frame);
            return null;
        }
        catch (ProtocolException ex)
        {
            return ex.Error;
        }
    }
}
