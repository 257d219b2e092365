using System.IO.Pipelines;
using AppProtocol.Framing;
using AppProtocol.Pipelines;
using BenchmarkDotNet.Attributes;

namespace AppProtocol.Benchmarks;

/// <summary>Writing one frame into a <see cref="Pipe"/> with <see cref="FramePipeWriterExtensions.WriteFrameAsync(PipeWriter, in FrameHeader, ReadOnlySpan{byte}, CancellationToken)"/> (header formatting, copy, flush), the reader then draining it.</summary>
[MemoryDiagnoser]
public class FrameWriteBenchmarks
{
    private Pipe _pipe = null!;
    private FrameHeader _header;
    private byte[] _content = [];

    [Params(0, 100, 64 * 1024, 1024 * 1024)]
    public int Size { get; set; }

    [Params(ContentKind.Json, ContentKind.Binary)]
    public ContentKind Kind { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _header = TestFrames.HeaderFor(Kind, Size);
        _content = TestFrames.Content(Kind, Size);
        _pipe = new Pipe(new PipeOptions(pool: new RetainingMemoryPool(), readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, pauseWriterThreshold: 0, useSynchronizationContext: false));
    }

    [Benchmark]
    public long WriteFrame()
    {
        _ = _pipe.Writer.WriteFrameAsync(_header, _content).Result;
        _pipe.Reader.TryRead(out ReadResult result);
        long written = result.Buffer.Length;
        _pipe.Reader.AdvanceTo(result.Buffer.End);
        return written;
    }
}
