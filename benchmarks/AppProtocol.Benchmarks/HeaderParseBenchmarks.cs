using System.Buffers;
using AppProtocol.Framing;
using BenchmarkDotNet.Attributes;

namespace AppProtocol.Benchmarks;

/// <summary><see cref="FrameParser.TryParse(ref ReadOnlySequence{byte}, out Frame)"/> on the reference client's search request (a 103-byte header): in one segment, and in 16-byte segments so that the header straddles them.</summary>
[MemoryDiagnoser]
public class HeaderParseBenchmarks
{
    private readonly FrameParser _parser = new();
    private ReadOnlySequence<byte> _input;

    [Params(false, true)]
    public bool Segmented { get; set; }

    [GlobalSetup]
    public void Setup() =>
        _input = Segmented ? TestFrames.Segmented(TestFrames.SearchRequest, 16) : new ReadOnlySequence<byte>(TestFrames.SearchRequest);

    [Benchmark]
    public long ParseHeader()
    {
        ReadOnlySequence<byte> buffer = _input;
        _parser.TryParse(ref buffer, out Frame frame);
        return frame.Header.ContentLength;
    }
}
