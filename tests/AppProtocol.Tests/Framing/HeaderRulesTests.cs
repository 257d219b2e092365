using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using AppProtocol.Framing;

namespace AppProtocol.Tests.Framing;

/// <summary>The decisions README's "Header rules" states: what is kept, what is strict, what the writer refuses.</summary>
public class HeaderRulesTests
{
    [Fact]
    public void Extra_members_are_kept_in_any_layout_and_key_order()
    {
        Frame frame = Parse("""
            { "trace" : {"id": [1, "two"]}, "content-length":3,"content-encoding":"binary",
              "content-type":"x/y", "byteorder":"big", "caf\u00e9": null }
            """, "abc");

        Assert.Equal(FrameByteOrder.Big, frame.Header.ByteOrder);
        Assert.Equal("x/y", frame.Header.ContentType);
        Assert.Equal(2, frame.Header.ExtraMembers!.Count);
        Assert.Equal("two", frame.Header.ExtraMembers["trace"].GetProperty("id")[1].GetString());
        Assert.Equal(JsonValueKind.Null, frame.Header.ExtraMembers["café"].ValueKind);
    }

    [Fact]
    public void Escaped_names_and_values_mean_what_they_unescape_to()
    {
        Frame frame = Parse("""{"byteorder": "l\u0069ttle", "content\u002dlength": 1, "content-type": "text\/json", "content-encoding": "utf-8"}""", "1");

        Assert.Equal(1, frame.Header.ContentLength);
        Assert.True(frame.Header.IsJson);
        Assert.Null(frame.Header.ExtraMembers);
    }

    [Theory]
    [InlineData("""{"byteorder": "little", "content-length": 0, "content-length": 0, "content-type": "a", "content-encoding": "b"}""")]
    [InlineData("""{"byteorder": "little", "content-length": 0, "content\u002dlength": 0, "content-type": "a", "content-encoding": "b"}""")]
    [InlineData("""{"byteorder": "little", "content-length": 0, "content-type": "a", "content-encoding": "b", "x": 1, "\u0078": 2}""")]
    public void Duplicate_members_are_refused_even_through_escapes(string header)
    {
        Assert.Equal(ProtocolError.DuplicateHeader, Assert.Throws<ProtocolException>(() => Parse(header, "")).Error);
    }

    [Theory]
    [InlineData("""{"byteorder": "little", "content-type": "\ud800", "content-encoding": "binary", "content-length": 0}""")]
    [InlineData("""{"byteorder": "little", "content-type": "a", "content-encoding": "binary", "content-length": 0, "\udc00x": 1}""")]
    [InlineData("""{"byteorder": "\ud83d", "content-type": "a", "content-encoding": "binary", "content-length": 0}""")]
    [InlineData("""{"byteorder": "little", "content-type": "a", "content-encoding": "binary", "content\ud800length": 0}""")]
    public void Escaped_lone_surrogates_in_names_and_values_are_a_protocol_error(string header)
    {
        Assert.Equal(ProtocolError.InvalidHeaderEncoding, Assert.Throws<ProtocolException>(() => Parse(header, "")).Error);
    }

    [Fact]
    public void Missing_member_message_matches_the_reference()
    {
        ProtocolException ex = Assert.Throws<ProtocolException>(() => Parse("""{"content-length": 0, "content-type": "a", "content-encoding": "b"}""", ""));

        Assert.Equal(ProtocolError.MissingRequiredHeader, ex.Error);
        Assert.Equal("Missing required header 'byteorder'.", ex.Message);
    }

    [Fact]
    public void Negative_zero_is_zero_as_in_python()
    {
        Assert.Equal(0, Parse("""{"byteorder": "little", "content-length": -0, "content-type": "a", "content-encoding": "b"}""", "").Header.ContentLength);
    }

    [Fact]
    public void Writer_escapes_like_python_and_keeps_non_ascii_raw()
    {
        var header = new FrameHeader("a\"b\\c\n\u0001é🐶", ContentTypes.BinaryEncoding, 0) { ByteOrder = FrameByteOrder.Little };
        var output = new ArrayBufferWriter<byte>();

        FrameWriter.Write(output, header, []);

        string json = Encoding.UTF8.GetString(output.WrittenSpan[2..]);
        Assert.Equal("""{"byteorder": "little", "content-type": "a\"b\\c\n\u0001é🐶", "content-encoding": "binary", "content-length": 0}""", json);
        Assert.Equal(Encoding.UTF8.GetByteCount(json), BinaryPrimitives.ReadUInt16BigEndian(output.WrittenSpan));
        Assert.Equal(header.ContentType, Parse(json, "").Header.ContentType);
    }

    [Fact]
    public void The_largest_content_limit_leaves_room_for_the_frame_length()
    {
        var parser = new FrameParser(new FrameLimits { MaxContentLength = FrameLimits.MaxSupportedContentLength });
        byte[] header = Encoding.UTF8.GetBytes($$"""{"byteorder": "little", "content-type": "a", "content-encoding": "b", "content-length": {{FrameLimits.MaxSupportedContentLength}}}""");
        var buffer = new ReadOnlySequence<byte>([(byte)(header.Length >> 8), (byte)header.Length, .. header, 1, 2, 3]);

        Assert.False(parser.TryParse(ref buffer, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameLimits { MaxContentLength = long.MaxValue });
    }

    [Fact]
    public void Writer_refuses_a_content_length_that_does_not_match()
    {
        Assert.Throws<ArgumentException>(() => FrameWriter.Write(new ArrayBufferWriter<byte>(), FrameHeader.Json(5), "1234"u8));
        Assert.Throws<ArgumentException>(() => new Frame(FrameHeader.Json(5), new byte[4]));
    }

    [Fact]
    public void Writer_refuses_extras_that_repeat_a_required_member_or_strings_that_are_not_unicode()
    {
        var clash = FrameHeader.Json(0) with { ExtraMembers = new Dictionary<string, JsonElement> { ["content-length"] = JsonSerializer.SerializeToElement(1) } };
        var loneSurrogate = FrameHeader.Binary("bad\uD800", 0);

        Assert.Throws<ArgumentException>(() => FrameWriter.Write(new ArrayBufferWriter<byte>(), clash, []));
        Assert.Throws<ArgumentException>(() => FrameWriter.Write(new ArrayBufferWriter<byte>(), loneSurrogate, []));
    }

    [Fact]
    public void Writer_refuses_a_header_longer_than_the_protoheader_can_say()
    {
        var header = FrameHeader.Binary(new string('x', ushort.MaxValue), 0);

        Assert.Throws<ArgumentException>(() => FrameWriter.Write(new ArrayBufferWriter<byte>(), header, []));
    }

    private static Frame Parse(string headerJson, string content)
    {
        byte[] header = Encoding.UTF8.GetBytes(headerJson);
        byte[] bytes = [(byte)(header.Length >> 8), (byte)header.Length, .. header, .. Encoding.UTF8.GetBytes(content)];
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.True(new FrameParser().TryParse(ref buffer, out Frame frame));
        return frame;
    }
}
