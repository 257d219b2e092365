using AppProtocol.Framing;
using AppProtocol.Pipelines;
using AppProtocol.Tests.Framing;

namespace AppProtocol.Tests.Hostile;

/// <summary>The stream ends at every byte position of every reference frame: TruncatedFrame inside a frame, a clean end between frames.</summary>
public sealed class TruncationTests
{
    public static TheoryData<string> Vectors() => ReferenceVectors.Names();

    [Theory]
    [MemberData(nameof(Vectors))]
    public void FrameReader_reports_a_truncated_frame_at_every_cut_inside_it_and_a_clean_end_between_frames(string name)
    {
        byte[] frame = ReferenceVectors.Get(name).Bytes;
        byte[] two = [.. frame, .. frame];
        for (int cut = 0; cut <= two.Length; cut++)
        {
            ProtocolError? end = HostileRead.ReadFromPipe(two[..cut], null, int.MaxValue, out int frames, out _);

            bool atBoundary = cut % frame.Length == 0;
            Assert.True(cut / frame.Length == frames, $"Cut at {cut}: {frames} frames.");
            Assert.True((atBoundary ? null : ProtocolError.TruncatedFrame) == end, $"Cut at {cut}: ended with {end?.ToString() ?? "a clean end"}.");
        }
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void FrameParser_waits_without_error_at_every_cut_and_leaves_the_buffer_as_it_was(string name)
    {
        byte[] frame = ReferenceVectors.Get(name).Bytes;
        var parser = new FrameParser();
        for (int cut = 0; cut < frame.Length; cut++)
        {
            var buffer = new System.Buffers.ReadOnlySequence<byte>(frame, 0, cut);

            Assert.False(parser.TryParse(ref buffer, out _), $"Cut at {cut}.");
            Assert.Equal(cut, buffer.Length);
        }
    }

    [Fact]
    public async Task FrameReader_reports_mid_frame_while_a_frame_is_unfinished()
    {
        byte[] frame = ReferenceVectors.Frames[0].Bytes;
        var pipe = HostileFrames.InlinePipe();
        var reader = new FrameReader(pipe.Reader);

        ValueTask<Frame?> read = reader.ReadFrameAsync();
        pipe.Send(frame.AsSpan(0, 5));

        Assert.False(read.IsCompleted);
        Assert.True(reader.IsMidFrame);
        pipe.Send(frame.AsSpan(5));
        Assert.NotNull(await read);
        Assert.False(reader.IsMidFrame);
    }
}
