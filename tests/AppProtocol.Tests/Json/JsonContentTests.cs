using System.Buffers;
using System.Text;
using System.Text.Json;
using AppProtocol.Framing;
using AppProtocol.Json;
using AppProtocol.Samples;
using AppProtocol.Tests.Support;

namespace AppProtocol.Tests.Json;

public class JsonContentTests
{
    private const string Json = """{"action": "search", "value": "🐶 é"}""";

    public static TheoryData<string, string, byte[]> DecodableEncodings() => new()
    {
        { "utf-8", "little", Encoding.UTF8.GetBytes(Json) },
        { "UTF-8", "little", Encoding.UTF8.GetBytes(Json) },
        { "utf8", "little", Encoding.UTF8.GetBytes(Json) },
        { "UTF_8", "little", Encoding.UTF8.GetBytes(Json) },
        { "utf-8-sig", "little", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Json)] },
        { "utf-8-sig", "little", Encoding.UTF8.GetBytes(Json) },
        { "utf-16", "little", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(Json)] },
        { "utf-16", "big", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(Json)] },
        { "utf-16", "little", [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(Json)] },
        { "utf-16", "little", Encoding.Unicode.GetBytes(Json) },
        { "utf-16", "big", Encoding.BigEndianUnicode.GetBytes(Json) },
        { "utf-16-le", "big", Encoding.Unicode.GetBytes(Json) },
        { "UTF-16BE", "little", Encoding.BigEndianUnicode.GetBytes(Json) },
        { "utf-32", "little", [0xFF, 0xFE, 0x00, 0x00, .. Encoding.UTF32.GetBytes(Json)] },
        { "utf-32", "big", new UTF32Encoding(true, false).GetBytes(Json) },
        { "utf-32-le", "little", Encoding.UTF32.GetBytes(Json) },
        { "utf-32-be", "little", new UTF32Encoding(true, false).GetBytes(Json) },
    };

    [Theory]
    [MemberData(nameof(DecodableEncodings))]
    public void Decodes_json_content_in_each_supported_encoding(string encoding, string byteOrder, byte[] content)
    {
        Frame frame = JsonFrame(encoding, content, byteOrder == "big" ? FrameByteOrder.Big : FrameByteOrder.Little);

        SearchRequest? request = JsonFrameReader.Read(frame, TestJsonContext.Default.SearchRequest);

        Assert.Equal(new SearchRequest("search", "🐶 é"), request);
    }

    [Theory]
    [InlineData("ascii")]
    [InlineData("us-ascii")]
    [InlineData("latin-1")]
    [InlineData("iso-8859-1")]
    public void Decodes_single_byte_encodings(string encoding)
    {
        Frame frame = JsonFrame(encoding, Encoding.ASCII.GetBytes("""{"action": "search", "value": "x"}"""));

        Assert.Equal(new SearchRequest("search", "x"), JsonFrameReader.Read(frame, TestJsonContext.Default.SearchRequest));
    }

    [Fact]
    public void Latin1_bytes_above_ascii_decode_as_latin1()
    {
        Frame frame = JsonFrame("latin-1", Encoding.Latin1.GetBytes("""{"action": "search", "value": "é"}"""));

        Assert.Equal("é", JsonFrameReader.Read(frame, TestJsonContext.Default.SearchRequest)!.Value);
    }

    public static TheoryData<string, string, byte[], ProtocolError> Undecodable() => new()
    {
        { "unknown encoding", "koi8-r", Encoding.UTF8.GetBytes(Json), ProtocolError.UnsupportedContentEncoding },
        { "binary is not a text encoding", "binary", Encoding.UTF8.GetBytes(Json), ProtocolError.UnsupportedContentEncoding },
        { "invalid utf-8", "utf-8", [.. Encoding.UTF8.GetBytes("""{"action": "search", "value": "x"""), 0xC3, 0x28, (byte)'"', (byte)'}'], ProtocolError.InvalidContent },
        { "utf-8 with a BOM", "utf-8", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Json)], ProtocolError.InvalidContent },
        { "utf-16-le with a BOM", "utf-16-le", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(Json)], ProtocolError.InvalidContent },
        { "ascii with a high byte", "ascii", Encoding.Latin1.GetBytes("""{"action": "search", "value": "é"}"""), ProtocolError.InvalidContent },
        { "utf-16 declared, utf-8 sent", "utf-16", Encoding.UTF8.GetBytes(Json), ProtocolError.InvalidContent },
        { "not JSON", "utf-8", "not json"u8.ToArray(), ProtocolError.InvalidContent },
        { "data after the value", "utf-8", Encoding.UTF8.GetBytes(Json + " {}"), ProtocolError.InvalidContent },
        { "data after the value, transcoded", "utf-16-le", Encoding.Unicode.GetBytes(Json + " {}"), ProtocolError.InvalidContent },
        { "empty", "utf-8", [], ProtocolError.InvalidContent },
    };

    [Theory]
    [MemberData(nameof(Undecodable))]
    public void Refuses_content_its_headers_do_not_describe(string why, string encoding, byte[] content, ProtocolError expected)
    {
        Frame frame = JsonFrame(encoding, content);

        ProtocolException ex = Assert.Throws<ProtocolException>(() => JsonFrameReader.Read(frame, TestJsonContext.Default.SearchRequest));

        Assert.True(expected == ex.Error, $"{why}: expected {expected}, got {ex.Error} ({ex.Message})");
    }

    [Fact]
    public void Refuses_json_from_a_binary_frame()
    {
        Frame frame = Frame.Binary(SampleContentTypes.ClientBinary, Encoding.UTF8.GetBytes(Json));

        ProtocolException ex = Assert.Throws<ProtocolException>(() => JsonFrameReader.Read(frame, TestJsonContext.Default.SearchRequest));

        Assert.Equal(ProtocolError.NotJsonContent, ex.Error);
        Assert.Contains(SampleContentTypes.ClientBinary, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Written_json_frame_reads_back_with_extra_members()
    {
        var output = new ArrayBufferWriter<byte>();
        var extra = new Dictionary<string, JsonElement> { ["request-id"] = JsonSerializer.SerializeToElement(42) };

        JsonFrameWriter.Write(output, new SearchRequest("search", "é 🐶"), TestJsonContext.Default.SearchRequest, extra);

        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        Assert.True(new FrameParser().TryParse(ref buffer, out Frame frame));
        Assert.Equal(ContentTypes.Json, frame.Header.ContentType);
        Assert.Equal(ContentTypes.Utf8Encoding, frame.Header.ContentEncoding);
        Assert.Equal(42, frame.Header.ExtraMembers!["request-id"].GetInt32());
        Assert.Contains("é", Encoding.UTF8.GetString(frame.Content.ToArray()), StringComparison.Ordinal);
        Assert.Equal(new SearchRequest("search", "é 🐶"), JsonFrameReader.Read(frame, TestJsonContext.Default.SearchRequest));
    }

    [Fact]
    public void Json_content_is_written_as_python_writes_it_raw_utf8_escaping_only_what_json_requires()
    {
        var output = new ArrayBufferWriter<byte>();

        JsonFrameWriter.Write(output, new SearchRequest("search", "é 🐶 \"q\" \\ \n\t\u0001\u007f中"), TestJsonContext.Default.SearchRequest);

        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        Assert.True(new FrameParser().TryParse(ref buffer, out Frame frame));

        // What python3 -c 'json.dumps({...}, ensure_ascii=False, separators=(",", ":"))' prints for the same value.
        Assert.Equal("{\"action\":\"search\",\"value\":\"é 🐶 \\\"q\\\" \\\\ \\n\\t\\u0001\u007f中\"}", Encoding.UTF8.GetString(frame.Content.ToArray()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4000)]
    [InlineData(100_000)]
    public void Json_content_of_any_size_round_trips_in_place_or_through_the_pooled_buffer(int start)
    {
        // Every length around the 4,096-byte in-place capacity, so both paths and the header's digit count change.
        for (int length = start; length < start + 120; length++)
        {
            var output = new ArrayBufferWriter<byte>(16);
            var request = new SearchRequest("search", new string('x', length));

            JsonFrameWriter.Write(output, request, TestJsonContext.Default.SearchRequest);
            FrameWriter.Write(output, Frame.Binary(SampleContentTypes.ClientBinary, "after"u8.ToArray()));

            var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
            var parser = new FrameParser(new FrameLimits());
            Assert.True(parser.TryParse(ref buffer, out Frame frame));
            Assert.Equal(request, JsonFrameReader.Read(frame, TestJsonContext.Default.SearchRequest));
            Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(request, TestJsonContext.Default.SearchRequest), frame.Content.ToArray());
            Assert.True(parser.TryParse(ref buffer, out Frame after));
            Assert.Equal("after"u8.ToArray(), after.Content.ToArray());
            Assert.True(buffer.IsEmpty);
        }
    }

    [Fact]
    public void Small_json_content_is_serialized_straight_into_the_output_and_advanced_once_with_its_header()
    {
        var output = new CountingBufferWriter();

        JsonFrameWriter.Write(output, new SearchRequest("search", "morpheus"), TestJsonContext.Default.SearchRequest);

        Assert.Equal(1, output.Advances);
        var buffer = new ReadOnlySequence<byte>(output.Inner.WrittenMemory);
        Assert.True(new FrameParser().TryParse(ref buffer, out Frame frame));
        Assert.Equal(new SearchRequest("search", "morpheus"), JsonFrameReader.Read(frame, TestJsonContext.Default.SearchRequest));
    }

    [Fact]
    public void Reads_content_split_across_segments()
    {
        byte[] content = Encoding.UTF8.GetBytes(Json);
        byte[][] parts = Support.Segments.Split(content, Enumerable.Repeat(1, content.Length));
        var frame = new Frame(FrameHeader.Json(content.Length), Support.Segments.Of(parts));

        Assert.Equal(new SearchRequest("search", "🐶 é"), JsonFrameReader.Read(frame, TestJsonContext.Default.SearchRequest));
    }

    private static Frame JsonFrame(string encoding, byte[] content, FrameByteOrder byteOrder = FrameByteOrder.Little) =>
        new(new FrameHeader(ContentTypes.Json, encoding, content.Length) { ByteOrder = byteOrder }, content);

    private sealed class CountingBufferWriter : IBufferWriter<byte>
    {
        public ArrayBufferWriter<byte> Inner { get; } = new();

        public int Advances { get; private set; }

        public void Advance(int count)
        {
            Advances++;
            Inner.Advance(count);
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => Inner.GetMemory(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => Inner.GetSpan(sizeHint);
    }
}
