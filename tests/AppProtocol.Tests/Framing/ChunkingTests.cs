using System.Buffers;
using System.IO.Pipelines;
using AppProtocol.Framing;
using AppProtocol.Pipelines;
using AppProtocol.Tests.Support;

namespace AppProtocol.Tests.Framing;

public class ChunkingTests
{
    [Theory]
    [MemberData(nameof(ReferenceVectors.Names), MemberType = typeof(ReferenceVectors))]
    public void Split_at_every_byte_parses_identically(string name)
    {
        byte[] bytes = ReferenceVectors.Get(name).Bytes;
        Frame whole = ParseWhole(bytes);

        for (int split = 0; split <= bytes.Length; split++)
        {
            var parser = new FrameParser();

            // Only the first part has arrived: never a frame, never an exception (unless the split is at the very end).
            var firstPart = new ReadOnlySequence<byte>(bytes, 0, split);
            if (split < bytes.Length)
            {
                Assert.False(parser.TryParse(ref firstPart, out _));
                Assert.Equal(split, firstPart.Length);
            }

            ReadOnlySequence<byte> buffer = Segments.Of(bytes[..split], bytes[split..]);
            Assert.True(parser.TryParse(ref buffer, out Frame frame), $"split at {split}");
            Assert.True(buffer.IsEmpty);
            FrameAssert.Equal(whole, frame);
        }
    }

    [Theory]
    [MemberData(nameof(ReferenceVectors.Names), MemberType = typeof(ReferenceVectors))]
    public void One_segment_per_byte_parses_identically(string name)
    {
        byte[] bytes = ReferenceVectors.Get(name).Bytes;
        ReadOnlySequence<byte> buffer = Segments.Of(Segments.Split(bytes, Enumerable.Repeat(1, bytes.Length)));

        Assert.True(new FrameParser().TryParse(ref buffer, out Frame frame));

        FrameAssert.Equal(ParseWhole(bytes), frame);
    }

    [Theory]
    [MemberData(nameof(ReferenceVectors.Names), MemberType = typeof(ReferenceVectors))]
    public async Task Delivered_one_byte_at_a_time_through_a_pipe_reads_identically(string name)
    {
        byte[] bytes = ReferenceVectors.Get(name).Bytes;
        var pipe = new Pipe();
        var reader = new FrameReader(pipe.Reader);

        ValueTask<Frame?> read = reader.ReadFrameAsync();
        foreach (byte b in bytes)
        {
            Assert.False(read.IsCompleted);
            await pipe.Writer.WriteAsync(new[] { b });
        }

        Frame? frame = await read.AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(frame);
        FrameAssert.Equal(ParseWhole(bytes), frame.Value);
    }

    [Fact]
    public async Task Many_frames_in_one_read_come_out_in_order()
    {
        IReadOnlyList<ReferenceVectors.Vector> vectors = ReferenceVectors.Frames;
        byte[] all = [.. vectors.SelectMany(v => v.Bytes)];
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(all);
        await pipe.Writer.CompleteAsync();
        var reader = new FrameReader(pipe.Reader);

        foreach (ReferenceVectors.Vector v in vectors)
        {
            Frame? frame = await reader.ReadFrameAsync();
            Assert.NotNull(frame);
            FrameAssert.Equal(ParseWhole(v.Bytes), frame.Value);
        }

        Assert.Null(await reader.ReadFrameAsync());
    }

    [Fact]
    public void Many_frames_back_to_back_in_one_buffer_parse_in_order()
    {
        IReadOnlyList<ReferenceVectors.Vector> vectors = ReferenceVectors.Frames;
        var buffer = new ReadOnlySequence<byte>([.. vectors.SelectMany(v => v.Bytes)]);
        var parser = new FrameParser();

        foreach (ReferenceVectors.Vector v in vectors)
        {
            Assert.True(parser.TryParse(ref buffer, out Frame frame));
            Assert.Equal(v.Content, frame.Content.ToArray());
            Assert.Equal(v.ContentType, frame.Header.ContentType);
        }

        Assert.True(buffer.IsEmpty);
        Assert.False(parser.TryParse(ref buffer, out _));
    }

    [Fact]
    public async Task A_returned_frame_stays_valid_until_the_next_read_and_a_clone_beyond()
    {
        byte[] first = ReferenceVectors.Frames[0].Bytes;
        byte[] second = ReferenceVectors.Frames[1].Bytes;
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(first);
        var reader = new FrameReader(pipe.Reader);

        Frame frame = (await reader.ReadFrameAsync())!.Value;
        Frame kept = frame.Clone();
        await pipe.Writer.WriteAsync(second);
        Assert.Equal(ReferenceVectors.Frames[0].Content, frame.Content.ToArray());

        Frame next = (await reader.ReadFrameAsync())!.Value;

        Assert.Equal(ReferenceVectors.Frames[0].Content, kept.Content.ToArray());
        Assert.Equal(ReferenceVectors.Frames[1].Content, next.Content.ToArray());
    }

    private static Frame ParseWhole(byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.True(new FrameParser().TryParse(ref buffer, out Frame frame));
        return frame.Clone();
    }
}
