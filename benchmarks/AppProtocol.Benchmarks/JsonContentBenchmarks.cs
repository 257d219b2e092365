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
    private readonly SearchRequest _request = new("search", "morpheus");
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

/// <summary>The sample's request content.</summary>
public sealed record SearchRequest(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("value")] string Value);

/// <summary>Source-generated metadata, as a trimmed or AOT application would use.</summary>
[JsonSerializable(typeof(SearchRequest))]
internal sealed partial class BenchmarkJsonContext : JsonSerializerContext;
