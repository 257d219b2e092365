using System.IO.Pipelines;
using System.Text.Json;
using AppProtocol.Framing;
using AppProtocol.Json;
using AppProtocol.Pipelines;
using AppProtocol.Samples;
using AppProtocol.Tests.Support;

namespace AppProtocol.Tests.Pipelines;

/// <summary>The hot paths allocate nothing per frame in steady state. Everything runs on this thread (the pipe completes synchronously), so the thread's allocation counter sees all of it.</summary>
// Alone: a frame over the writer's room returns its buffer to ArrayPool.Shared, and tests running in parallel can take
// it from the pool's shared stacks, so this thread would have to allocate a new one.
[Collection(nameof(AllocationTests))]
public class AllocationTests
{
    private const int Frames = 10_000;

    [OptimizedBuildFact]
    public void Writing_and_reading_a_binary_frame_allocates_nothing_per_frame()
    {
        byte[] content = new byte[100];
        var header = FrameHeader.Binary(SampleContentTypes.ClientBinary, content.Length);
        var (pipe, reader) = NewPipe();

        void RoundTrip()
        {
            Sync(pipe.Writer.WriteFrameAsync(header, content));
            Frame frame = Sync(reader.ReadFrameAsync())!.Value;
            Check(frame.Content.Length == content.Length);
        }

        long perFrame = AllocatedPerIteration(RoundTrip);

        Assert.Equal(0, perFrame);
    }

    [OptimizedBuildFact]
    public void Writing_frames_of_more_content_types_than_the_header_cache_holds_allocates_nothing_per_frame()
    {
        FrameHeader[] headers = [.. Enumerable.Range(0, 7).Select(i => FrameHeader.Binary($"binary/type-{i}", 4))];
        var output = new System.Buffers.ArrayBufferWriter<byte>(1024);
        int next = 0;

        void WriteNext()
        {
            output.ResetWrittenCount();
            FrameWriter.Write(output, headers[next], "data"u8);
            next = (next + 1) % headers.Length;
        }

        Assert.Equal(0, AllocatedPerIteration(WriteNext));
    }

    [OptimizedBuildFact]
    public void Writing_and_reading_a_json_frame_allocates_only_what_the_deserializer_allocates()
    {
        var request = new SearchRequest("search", "morpheus");
        var (pipe, reader) = NewPipe();
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(request, TestJsonContext.Default.SearchRequest);

        void RoundTrip()
        {
            Sync(pipe.Writer.WriteJsonFrameAsync(request, TestJsonContext.Default.SearchRequest));
            Frame frame = Sync(reader.ReadFrameAsync())!.Value;
            SearchRequest? read = JsonFrameReader.Read(frame, TestJsonContext.Default.SearchRequest);
            Check(read!.Value == "morpheus");
        }

        void DeserializeOnly() => Check(JsonSerializer.Deserialize(json, TestJsonContext.Default.SearchRequest)!.Value == "morpheus");

        long perFrame = AllocatedPerIteration(RoundTrip);
        long deserializerAlone = AllocatedPerIteration(DeserializeOnly);

        // The record and its two strings, plus what System.Text.Json itself needs for constructor arguments: nothing of ours.
        Assert.True(deserializerAlone > 0);
        Assert.Equal(deserializerAlone, perFrame);
    }

    [OptimizedBuildFact]
    public void Writing_a_json_frame_over_the_in_place_room_allocates_nothing_per_frame()
    {
        // 16 KiB keeps the writer's pooled buffer from frame to frame; 256 KiB gives it back to the pool each time.
        foreach (int size in new[] { 16 * 1024, 256 * 1024 })
        {
            var request = new SearchRequest("search", new string('x', size));
            var (pipe, reader) = NewPipe();

            void RoundTrip()
            {
                Sync(pipe.Writer.WriteJsonFrameAsync(request, TestJsonContext.Default.SearchRequest));
                Frame frame = Sync(reader.ReadFrameAsync())!.Value;
                Check(frame.Content.Length > size);
            }

            Assert.Equal(0, AllocatedPerIteration(RoundTrip));
        }
    }

    private static (Pipe Pipe, FrameReader Reader) NewPipe()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        return (pipe, new FrameReader(pipe.Reader));
    }

    private static long AllocatedPerIteration(Action iteration)
    {
        for (int i = 0; i < 1000; i++)
        {
            iteration();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Frames; i++)
        {
            iteration();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / Frames;
    }

    // Assertions inside the measured loop would allocate themselves (xunit builds comparers per call).
    private static T Sync<T>(ValueTask<T> task)
    {
        Check(task.IsCompletedSuccessfully);
        return task.Result;
    }

    private static void Check(bool condition)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Round trip check failed.");
        }
    }
}

[CollectionDefinition(nameof(AllocationTests), DisableParallelization = true)]
public sealed class AllocationTestsCollection;
