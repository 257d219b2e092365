using System.Buffers;
using System.IO.Pipelines;
using AppProtocol.Framing;
using AppProtocol.Pipelines;
using BenchmarkDotNet.Attributes;

namespace AppProtocol.Benchmarks;

/// <summary>Reading one frame through <see cref="FrameReader"/> from a <see cref="Pipe"/>: the bytes written in one block, or in 1,460-byte writes (one TCP segment each) with the reader woken after every one.</summary>
/// <remarks>Inline schedulers keep thread-pool hops out of the figure; the pipe never pauses the writer, so one pipe serves every iteration; its blocks come from a <see cref="RetainingMemoryPool"/>.</remarks>
[MemoryDiagnoser]
public class FrameReadBenchmarks
{
    private const int ChunkSize = 1460;
    private Pipe _pipe = null!;
    private FrameReader _reader = null!;
    private byte[] _frame = [];

    [Params(0, 100, 64 * 1024, 1024 * 1024)]
    public int Size { get; set; }

    [Params(ContentKind.Json, ContentKind.Binary)]
    public ContentKind Kind { get; set; }

    [Params(false, true)]
    public bool Chunked { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _frame = TestFrames.Encode(TestFrames.HeaderFor(Kind, Size), TestFrames.Content(Kind, Size));
        _pipe = new Pipe(new PipeOptions(pool: new RetainingMemoryPool(), readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, pauseWriterThreshold: 0, useSynchronizationContext: false));
        _reader = new FrameReader(_pipe.Reader);
    }

    [Benchmark]
    public long ReadFrame()
    {
        ValueTask<Frame?> read = _reader.ReadFrameAsync();
        PipeWriter writer = _pipe.Writer;
        int chunk = Chunked ? ChunkSize : _frame.Length;
        for (int offset = 0; offset < _frame.Length; offset += chunk)
        {
            writer.Write(_frame.AsSpan(offset, Math.Min(chunk, _frame.Length - offset)));
            _ = writer.FlushAsync().Result;
        }

        return read.Result!.Value.Content.Length;
    }
}
