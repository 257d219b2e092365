using System.Buffers;
using System.IO.Pipelines;
using AppProtocol.Framing;
using AppProtocol.Pipelines;

namespace AppProtocol.Fuzz;

/// <summary>The fuzz target for frame reading: any bytes, any segmenting; throws only <see cref="FuzzPropertyViolation"/> or what the library wrongly let escape.</summary>
/// <remarks>
/// Properties checked for every input (see <see cref="FuzzInput"/> for its layout):
/// the stream parsed whole, parsed chunk by chunk as a multi-segment sequence, and read by a <see cref="FrameReader"/>
/// over a <see cref="Pipe"/> fed chunk by chunk, give the same frames (headers, extra members, content, what
/// <see cref="Json.JsonFrameReader"/> makes of text/json content) and end the same way; no exception but
/// <see cref="ProtocolException"/> escapes; a faulted <see cref="FrameReader"/> stays faulted; the reader never waits
/// once the stream has ended; allocation stays within a budget set by the input's length, whatever length a header claims;
/// and every frame parsed, written again with <see cref="FrameWriter"/>, parses back to the same frame.
/// </remarks>
public static class FrameFuzzTarget
{
    /// <summary>Longer inputs are ignored, so that one input cannot make a run slow.</summary>
    public const int MaxInputLength = 256 * 1024;

    // Bytes a parse may allocate whatever its input (exceptions, messages, parser state, pooled buffers filled once)...
    private const long FixedAllocationBudget = 256 * 1024;

    // ...plus this much per input byte (copies of content, extra members as JSON documents, pipe segments).
    private const long AllocationBudgetPerByte = 64;

    /// <summary>Runs every check on one input.</summary>
    /// <param name="input">The fuzz input.</param>
    /// <param name="checks">The checks to make; AFL++ campaigns make them all.</param>
    /// <returns>What the whole-buffer parse saw (every other parse saw the same), or <see langword="null"/> for an input over <see cref="MaxInputLength"/>.</returns>
    /// <exception cref="FuzzPropertyViolation">A property broke.</exception>
    public static ParseOutcome? Run(ReadOnlySpan<byte> input, FuzzChecks checks = FuzzChecks.All)
    {
        if (input.Length > MaxInputLength)
        {
            return null;
        }

        FuzzInput fuzz = FuzzInput.Decode(input);
        long budget = FixedAllocationBudget + (AllocationBudgetPerByte * fuzz.Stream.Length);

        ParseOutcome whole = Measure(() => ParseWhole(fuzz), budget, "whole-buffer parse");
        bool compareJson = checks.HasFlag(FuzzChecks.SegmentedJsonContent);
        whole.RequireSame(Measure(() => ParseSegmented(fuzz), budget, "multi-segment parse"), "multi-segment FrameParser", compareJson);
        whole.RequireSame(Measure(() => ReadFromPipe(fuzz), budget, "FrameReader over a Pipe"), "FrameReader over a Pipe", compareJson);

        foreach (FrameSnapshot frame in whole.Frames)
        {
            RequireRoundTrip(frame, fuzz.Limits);
        }

        return whole;
    }

    private static ParseOutcome ParseWhole(FuzzInput fuzz)
    {
        var parser = new FrameParser(fuzz.Limits);
        var buffer = new ReadOnlySequence<byte>(fuzz.Stream);
        var frames = new List<FrameSnapshot>();
        try
        {
            while (parser.TryParse(ref buffer, out Frame frame))
            {
                frames.Add(FrameSnapshot.Of(frame));
            }
        }
        catch (ProtocolException ex)
        {
            return new ParseOutcome(frames, ex.Error);
        }

        return new ParseOutcome(frames, buffer.IsEmpty ? null : ProtocolError.TruncatedFrame);
    }

    // Feeds the stream chunk by chunk, each chunk its own segment, retrying after every chunk as a receive loop would.
    private static ParseOutcome ParseSegmented(FuzzInput fuzz)
    {
        byte[] stream = fuzz.Stream;
        var parser = new FrameParser(fuzz.Limits);
        var frames = new List<FrameSnapshot>();
        ChunkSegment? first = null, last = null;
        SequencePosition consumed = default;
        int offset = 0;
        for (int chunk = 0; offset < stream.Length; chunk++)
        {
            int size = Math.Min(fuzz.ChunkSize(chunk), stream.Length - offset);
            last = new ChunkSegment(stream.AsMemory(offset, size), last);
            if (first is null)
            {
                first = last;
                consumed = new SequencePosition(first, 0);
            }

            offset += size;
            var received = new ReadOnlySequence<byte>(first, 0, last, size).Slice(consumed);
            try
            {
                while (parser.TryParse(ref received, out Frame frame))
                {
                    frames.Add(FrameSnapshot.Of(frame));
                }
            }
            catch (ProtocolException ex)
            {
                return new ParseOutcome(frames, ex.Error);
            }

            consumed = received.Start;
        }

        bool clean = last is null || new ReadOnlySequence<byte>(first!, 0, last, last.Memory.Length).Slice(consumed).IsEmpty;
        return new ParseOutcome(frames, clean ? null : ProtocolError.TruncatedFrame);
    }

    // Inline schedulers and no back-pressure make the pipe synchronous: after each flush the pending read has either
    // completed or is waiting for more, so a read still pending after the writer completed is a hang.
    private static ParseOutcome ReadFromPipe(FuzzInput fuzz)
    {
        var pipe = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, pauseWriterThreshold: 0, useSynchronizationContext: false));
        var reader = new FrameReader(pipe.Reader, fuzz.Limits);
        var frames = new List<FrameSnapshot>();
        byte[] stream = fuzz.Stream;
        int offset = 0, chunk = 0;
        try
        {
            while (true)
            {
                ValueTask<Frame?> read = reader.ReadFrameAsync();
                while (!read.IsCompleted)
                {
                    if (offset == stream.Length)
                    {
                        pipe.Writer.Complete();
                        if (!read.IsCompleted)
                        {
                            throw new FuzzPropertyViolation("FrameReader is still waiting after the stream ended.");
                        }

                        break;
                    }

                    int size = Math.Min(fuzz.ChunkSize(chunk++), stream.Length - offset);
                    pipe.Writer.Write(stream.AsSpan(offset, size));
                    offset += size;
                    ValueTask<FlushResult> flush = pipe.Writer.FlushAsync();
                    if (!flush.IsCompleted)
                    {
                        throw new FuzzPropertyViolation("A flush did not complete on a pipe without back-pressure.");
                    }

                    flush.GetAwaiter().GetResult();
                }

                if (read.GetAwaiter().GetResult() is not { } frame)
                {
                    return new ParseOutcome(frames, null);
                }

                frames.Add(FrameSnapshot.Of(frame));
            }
        }
        catch (ProtocolException ex)
        {
            RequireFaulted(reader, ex.Error);
            return new ParseOutcome(frames, ex.Error);
        }
        finally
        {
            pipe.Writer.Complete();
            pipe.Reader.Complete();
        }
    }

    private static void RequireFaulted(FrameReader reader, ProtocolError error)
    {
        try
        {
            ValueTask<Frame?> again = reader.ReadFrameAsync();
            if (!again.IsCompleted)
            {
                throw new FuzzPropertyViolation($"FrameReader waits for data after failing with {error}: it must stay faulted.");
            }

            again.GetAwaiter().GetResult();
            throw new FuzzPropertyViolation($"FrameReader returned a frame after failing with {error}: it must stay faulted.");
        }
        catch (ProtocolException ex) when (ex.Error == error)
        {
        }
    }

    private static void RequireRoundTrip(FrameSnapshot original, FrameLimits limits)
    {
        var written = new ArrayBufferWriter<byte>();
        try
        {
            FrameWriter.Write(written, original.ToFrame());
        }
        catch (ArgumentException ex) when (ex.Message.StartsWith("The JSON header would be", StringComparison.Ordinal))
        {
            // The writer's layout (", " and ": ", Python's escapes) can make a header that arrived compact exceed 65,535 bytes.
            return;
        }

        // The writer's layout may be longer than the header that arrived, so only the header length limit is relaxed.
        var parser = new FrameParser(limits with { MaxHeaderLength = ushort.MaxValue });
        var buffer = new ReadOnlySequence<byte>(written.WrittenMemory);
        ParseOutcome reparsed;
        try
        {
            reparsed = parser.TryParse(ref buffer, out Frame frame) && buffer.IsEmpty
                ? new ParseOutcome([FrameSnapshot.Of(frame)], null)
                : new ParseOutcome([], ProtocolError.TruncatedFrame);
        }
        catch (ProtocolException ex)
        {
            reparsed = new ParseOutcome([], ex.Error);
        }

        new ParseOutcome([original], null).RequireSame(reparsed, $"write then parse of {Convert.ToHexString(written.WrittenSpan)}");
    }

    private static T Measure<T>(Func<T> parse, long budget, string what)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        T result = parse();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return allocated <= budget
            ? result
            : throw new FuzzPropertyViolation($"The {what} allocated {allocated} bytes, more than the budget of {budget} for this input.");
    }
}
