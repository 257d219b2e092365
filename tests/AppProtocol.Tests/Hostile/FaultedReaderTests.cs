using AppProtocol.Framing;
using AppProtocol.Pipelines;
using AppProtocol.Tests.Framing;
using static AppProtocol.Tests.Hostile.HostileFrames;

namespace AppProtocol.Tests.Hostile;

/// <summary>After a framing error the reader never resynchronises: every later read fails the same way, even when good frames follow.</summary>
public sealed class FaultedReaderTests
{
    private static byte[] Good => ReferenceVectors.Get("search-morpheus/request").Bytes;

    [Fact]
    public async Task A_good_frame_after_a_bad_one_is_never_returned()
    {
        byte[] bad = Frame(HeaderWithout("byteorder"));
        var pipe = InlinePipe();
        var reader = new FrameReader(pipe.Reader);
        pipe.Send([.. Good, .. bad, .. Good, .. Good]);
        pipe.Writer.Complete();

        Assert.NotNull(await reader.ReadFrameAsync());
        ProtocolException first = await Assert.ThrowsAsync<ProtocolException>(() => reader.ReadFrameAsync().AsTask());
        for (int i = 0; i < 3; i++)
        {
            ProtocolException again = await Assert.ThrowsAsync<ProtocolException>(() => reader.ReadFrameAsync().AsTask());
            Assert.Equal(ProtocolError.MissingRequiredHeader, again.Error);
            Assert.Same(first, again);
        }
    }

    [Fact]
    public async Task A_truncated_frame_stays_faulted_and_never_reads_as_a_clean_end()
    {
        var pipe = InlinePipe();
        var reader = new FrameReader(pipe.Reader);
        pipe.Send(Good.AsSpan(0, Good.Length - 1));
        pipe.Writer.Complete();

        Assert.Equal(ProtocolError.TruncatedFrame, (await Assert.ThrowsAsync<ProtocolException>(() => reader.ReadFrameAsync().AsTask())).Error);
        Assert.Equal(ProtocolError.TruncatedFrame, (await Assert.ThrowsAsync<ProtocolException>(() => reader.ReadFrameAsync().AsTask())).Error);
    }

    [Fact]
    public async Task A_faulted_reader_does_not_wait_for_more_data()
    {
        var pipe = InlinePipe();
        var reader = new FrameReader(pipe.Reader);
        pipe.Send([0, 0]);
        await Assert.ThrowsAsync<ProtocolException>(() => reader.ReadFrameAsync().AsTask());

        // The writer is still open: a reader that resumed reading would wait here instead of failing at once.
        ValueTask<Frame?> next = reader.ReadFrameAsync();

        Assert.True(next.IsCompleted);
        Assert.Equal(ProtocolError.EmptyHeader, Assert.Throws<ProtocolException>(() => next.AsTask().GetAwaiter().GetResult()).Error);
    }
}
