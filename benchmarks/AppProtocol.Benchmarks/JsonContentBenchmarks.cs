using System.Buffers;
using System.Text.Json.Serialization;
using AppProtocol.Framing;
using AppProtocol.Json;
using BenchmarkDotNet.Attributes;

namespace AppProtocol.Benchmarks;

/// <summary>The sample's search request as a typed object: to a whole frame with <see cref="JsonFrameWriter"/>, and from a frame with <see cref="JsonFrameReader"/>, on source-generated metadata.</summary>
/// <remarks>
/// <see cref="ReadObjectSegmented"/> reads the frame from 16-byte segments, as when content straddles the blocks of a pipe.
/// <see cref="WriteObjectOverRoom"/> and <see cref="WriteObjectLarge"/> write values larger than the room the writer reserves in the output (4 KiB).
/// </remarks>
[MemoryDiagnoser]
public class JsonContentBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(1024);
    private readonly SearchRequest _request = new() { Action = "search", Value = "morpheus" };
    private readonly SearchRequest _overRoomRequest = new() { Action = "search", Value = new string('x', 5 * 1024) };
    private readonly SearchRequest _largeRequest = new() { Action = "search", Value = new string('x', 1024 * 1024) };
    private Frame _frame;
    private Frame _segmentedFrame;

    [GlobalSetup]
    public void Setup()
    {
        var buffer = new ReadOnlySequence<byte>(TestFrames.SearchRequest);
        new FrameParser().TryParse(ref buffer, out _frame);
        buffer = TestFrames.Segmented(TestFrames.SearchRequest, 16);
        new FrameParser().TryParse(ref buffer, out _segmentedFrame);
    }

    [Benchmark]
    public int WriteObject()
    {
        _output.ResetWrittenCount();
        JsonFrameWriter.Write(_output, _request, BenchmarkJsonContext.Default.SearchRequest);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int WriteObjectOverRoom()
    {
        _output.ResetWrittenCount();
        JsonFrameWriter.Write(_output, _overRoomRequest, BenchmarkJsonContext.Default.SearchRequest);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int WriteObjectLarge()
    {
        _output.ResetWrittenCount();
        JsonFrameWriter.Write(_output, _largeRequest, BenchmarkJsonContext.Default.SearchRequest);
        return _output.WrittenCount;
    }

    [Benchmark]
    public SearchRequest? ReadObject() => JsonFrameReader.Read(_frame, BenchmarkJsonContext.Default.SearchRequest);

    [Benchmark]
    public SearchRequest? ReadObjectSegmented() => JsonFrameReader.Read(_segmentedFrame, BenchmarkJsonContext.Default.SearchRequest);
}

/// <summary>The sample's request content; settable properties, because a constructor-bound type makes the serializer allocate its argument state too.</summary>
public sealed class SearchRequest
{
    [JsonPropertyName("action")]
    public string Action { get; set; } = "";

    [JsonPropertyName("value")]
    public string Value { get; set; } = "";
}

/// <summary>Source-generated metadata, as a trimmed or AOT application would use.</summary>
[JsonSerializable(typeof(SearchRequest))]
internal sealed partial class BenchmarkJsonContext : JsonSerializerContext;
