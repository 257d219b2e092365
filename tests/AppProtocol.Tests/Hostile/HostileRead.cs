using System.Buffers;
using System.IO.Pipelines;
using AppProtocol.Framing;
using AppProtocol.Pipelines;

namespace AppProtocol.Tests.Hostile;

/// <summary>Runs a hostile stream through <see cref="FrameParser"/> or a <see cref="FrameReader"/> over a real <see cref="Pipe"/>, measuring what it allocates.</summary>
internal static class HostileRead
{
    /// <summary>What a failing read may allocate beyond the bytes that arrived: exceptions and their messages, parser state, pipe segments.</summary>
    /// <remarks>A claimed length of even 1 MiB that the reader buffered or allocated for would blow it.</remarks>
    public const long AllocationSlack = 64 * 1024;

    /// <summary>Parses the whole stream with a <see cref="FrameParser"/>; returns the error, or TruncatedFrame if the bytes ran out mid-frame, or null for a clean end.</summary>
    public static ProtocolError? Parse(byte[] stream, FrameLimits? limits, out int frames, out long allocated)
    {
        var parser = new FrameParser(limits);
        var buffer = new ReadOnlySequence<byte>(stream);
        frames = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            while (parser.TryParse(ref buffer, out _))
            {
                frames++;
            }

            return buffer.IsEmpty ? null : ProtocolError.TruncatedFrame;
        }
        catch (ProtocolException ex)
        {
            return ex.Error;
        }
        finally
        {
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }
    }

    /// <summary>
    /// Feeds the stream to a <see cref="FrameReader"/> in chunks of <paramref name="chunkSize"/> bytes, completing the pipe at the end,
    /// and reads until an error or a clean end. After an error, checks that the reader stays faulted.
    /// </summary>
    public static ProtocolError? ReadFromPipe(byte[] stream, FrameLimits? limits, int chunkSize, out int frames, out long allocated)
    {
        Pipe pipe = HostileFrames.InlinePipe();
        var reader = new FrameReader(pipe.Reader, limits);
        frames = 0;
        int offset = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            ValueTask<Frame?> read = reader.ReadFrameAsync();
            while (true)
            {
                if (read.IsCompleted)
                {
                    if (read.GetAwaiter().GetResult() is null)
                    {
                        return null;
                    }

                    frames++;
                    read = reader.ReadFrameAsync();
                }
                else if (offset < stream.Length)
                {
                    int size = Math.Min(chunkSize, stream.Length - offset);
                    pipe.Send(stream.AsSpan(offset, size));
                    offset += size;
                }
                else
                {
                    pipe.Writer.Complete();
                    Assert.True(read.IsCompleted, "FrameReader still waits after the stream ended.");
                }
            }
        }
        catch (ProtocolException ex)
        {
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            ProtocolException again = Assert.ThrowsAny<ProtocolException>(() => reader.ReadFrameAsync().AsTask().GetAwaiter().GetResult());
            Assert.Equal(ex.Error, again.Error);
            return ex.Error;
        }
        finally
        {
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            pipe.Writer.Complete();
            pipe.Reader.Complete();
        }
    }
}
