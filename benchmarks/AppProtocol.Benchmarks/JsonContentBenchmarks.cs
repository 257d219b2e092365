using System.Buffers;
using System.Text.Json.Serialization;
using AppProtocol.Framing;
using AppProtocol.Json;
using BenchmarkDotNet.Attributes;

namespace AppProtocol.Benchmarks;

/// <summary>The sample's search request as a typed object: to a whole frame with <see cref="JsonFrameWriter"/>, and from a frame with <see cref="JsonFrameReader"/>, on source-generated metadata.</summary>
[MemoryDiagnoser]
public class JsonContentBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(1024);
    private readonly SearchRequest _request = new() { Action = "search", Value = "morpheus" };
    private Frame _frame;

    [GlobalSetup]
    public void Setup()
    {
        var buffer = new ReadOnlySequence<byte>(TestFrames.SearchRequest);
        new FrameParser().TryParse(ref buffer, out _frame);
    }

    [Benchmark]
    public int WriteObject()
    {
        _output.ResetWrittenCount();
        JsonFrameWriter.Write(_output, _request, BenchmarkJsonContext.Default.SearchRequest);
        return _output.WrittenCount;
    }

    [Benchmark]
    public SearchRequest? ReadObject() => JsonFrameReader.Read(_frame, BenchmarkJsonContext.Default.SearchRequest);
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
