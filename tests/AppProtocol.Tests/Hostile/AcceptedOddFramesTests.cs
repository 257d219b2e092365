using System.Buffers;
using System.Text;
using System.Text.Json;
using AppProtocol.Framing;
using AppProtocol.Pipelines;
using static AppProtocol.Tests.Hostile.HostileFrames;

namespace AppProtocol.Tests.Hostile;

/// <summary>Unusual but valid frames are served, not refused: extra members kept and readable, zero-length content delivered, JSON layout free.</summary>
public sealed class AcceptedOddFramesTests
{
    [Fact]
    public async Task Extra_members_including_nested_ones_are_kept_and_outlive_the_read_buffer()
    {
        string extra = "\"x-id\": 7, \"trace\": {\"a\": [1, {\"b\": null}]}, \"s\": \"\\u00e9\u00e9\", \"Content-Length\": 99";
        var pipe = InlinePipe();
        var reader = new FrameReader(pipe.Reader);
        pipe.Send([.. Frame(Header(extra: extra)), .. Frame(Header())]);
        pipe.Writer.Complete();

        Frame? first = await reader.ReadFrameAsync();
        IReadOnlyDictionary<string, JsonElement> members = first!.Value.Header.ExtraMembers!;
        Assert.NotNull(await reader.ReadFrameAsync());

        Assert.Equal(4, members.Count);
        Assert.Equal(7, members["x-id"].GetInt32());
        Assert.Equal("{\"a\": [1, {\"b\": null}]}", members["trace"].GetRawText());
        Assert.Equal(JsonValueKind.Null, members["trace"].GetProperty("a")[1].GetProperty("b").ValueKind);
        Assert.Equal("éé", members["s"].GetString());
        Assert.Equal(99, members["Content-Length"].GetInt32());
        Assert.Equal(3, first.Value.Header.ContentLength);
    }

    [Fact]
    public void Nesting_at_exactly_the_depth_limit_is_accepted()
    {
        string nested = new string('[', FrameLimits.DefaultMaxHeaderDepth - 1) + new string(']', FrameLimits.DefaultMaxHeaderDepth - 1);

        Assert.Null(HostileRead.Parse(Frame(Header(extra: "\"x\": " + nested)), null, out int frames, out _));
        Assert.Equal(1, frames);
    }

    [Fact]
    public async Task Zero_length_content_is_delivered_between_frames_and_at_the_end()
    {
        string empty = HeaderWith("content-length", "0");
        var pipe = InlinePipe();
        var reader = new FrameReader(pipe.Reader);
        pipe.Send([.. Frame(empty, []), .. Frame(Header()), .. Frame(empty, [])]);
        pipe.Writer.Complete();

        Frame? first = await reader.ReadFrameAsync();
        Assert.True(first.HasValue);
        Assert.Equal(0, first.Value.Content.Length);
        Assert.Equal(Content, (await reader.ReadFrameAsync())!.Value.Content.ToArray());
        Frame? last = await reader.ReadFrameAsync();
        Assert.True(last.HasValue);
        Assert.Equal(0, last.Value.Content.Length);
        Assert.Null(await reader.ReadFrameAsync());
    }

    [Theory]
    [InlineData("no whitespace", "{\"byteorder\":\"big\",\"content-length\":3,\"content-type\":\"binary/x\",\"content-encoding\":\"binary\"}")]
    [InlineData("whitespace everywhere", " \t\r\n{ \"content-encoding\" :\n\"binary\" , \"content-type\":\"binary/x\",\"byteorder\":\"little\",\"content-length\" : 3 }\n ")]
    [InlineData("escaped names and values", "{\"\\u0062yteorder\":\"\\u0062ig\",\"content\\u002dlength\":3,\"content-type\":\"binary\\/x\",\"content-encoding\":\"binary\"}")]
    [InlineData("escaped surrogate pair", "{\"byteorder\":\"big\",\"content-length\":3,\"content-type\":\"binary/\\ud83d\\udc36\",\"content-encoding\":\"binary\",\"\\ud83d\\udc3e\":1}")]
    [InlineData("-0 as content-length", "{\"byteorder\":\"big\",\"content-length\":-0,\"content-type\":\"binary/x\",\"content-encoding\":\"binary\"}")]
    public void Any_valid_JSON_layout_is_accepted(string layout, string header)
    {
        byte[] content = layout.StartsWith("-0", StringComparison.Ordinal) ? [] : Content;

        Assert.True(HostileRead.Parse(Frame(Encoding.UTF8.GetBytes(header), content), null, out int frames, out _) is null, layout);
        Assert.Equal(1, frames);
    }
}
