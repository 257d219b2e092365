using System.Buffers;
using AppProtocol.Framing;
using AppProtocol.Pipelines;
using static AppProtocol.Tests.Hostile.HostileFrames;

namespace AppProtocol.Tests.Hostile;

/// <summary>A header that claims far more content than arrives: nothing is allocated for it and no frame completes.</summary>
public sealed class HugeClaimTests
{
    private static readonly FrameLimits Unlimited = new() { MaxContentLength = FrameLimits.MaxSupportedContentLength };

    public static TheoryData<string, long> Claims() => new()
    {
        { "16 MiB, at the default limit", FrameLimits.DefaultMaxContentLength },
        { "2^62 under an unlimited reader", 1L << 62 },
    };

    [Theory]
    [MemberData(nameof(Claims))]
    public void FrameReader_allocates_nothing_for_a_claimed_length_and_never_completes(string claim, long contentLength)
    {
        FrameLimits limits = contentLength > FrameLimits.DefaultMaxContentLength ? Unlimited : FrameLimits.Default;
        byte[] sent = Frame(HeaderWith("content-length", contentLength.ToString(System.Globalization.CultureInfo.InvariantCulture)), "few bytes"u8.ToArray());
        var pipe = InlinePipe();
        var reader = new FrameReader(pipe.Reader, limits);

        long before = GC.GetAllocatedBytesForCurrentThread();
        ValueTask<Frame?> read = reader.ReadFrameAsync();
        for (int i = 0; i < sent.Length; i++)
        {
            pipe.Send(sent.AsSpan(i, 1));
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.False(read.IsCompleted, claim);
        Assert.True(reader.IsMidFrame);
        Assert.InRange(allocated, 0, HostileRead.AllocationSlack);

        pipe.Writer.Complete();
        ProtocolException ex = Assert.Throws<ProtocolException>(() => read.AsTask().GetAwaiter().GetResult());
        Assert.Equal(ProtocolError.TruncatedFrame, ex.Error);
    }

    [Theory]
    [MemberData(nameof(Claims))]
    public void FrameParser_asks_for_exactly_the_claimed_length(string claim, long contentLength)
    {
        FrameLimits limits = contentLength > FrameLimits.DefaultMaxContentLength ? Unlimited : FrameLimits.Default;
        byte[] header = System.Text.Encoding.UTF8.GetBytes(HeaderWith("content-length", contentLength.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        byte[] sent = Frame(header, "few bytes"u8.ToArray());

        bool parsed = new FrameParser(limits).TryParse(new ReadOnlySequence<byte>(sent), out _, out long required);

        Assert.False(parsed, claim);
        Assert.True(required > sent.Length, $"Required {required}.");
        Assert.Equal(2 + header.Length + contentLength, required);
    }

    [Fact]
    public void A_content_length_of_2_pow_63_minus_1_is_too_large_under_the_largest_limit()
    {
        byte[] sent = Frame(HeaderWith("content-length", long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture)), "few bytes"u8.ToArray());
        var buffer = new ReadOnlySequence<byte>(sent);
        var parser = new FrameParser(Unlimited);

        Assert.Equal(ProtocolError.ContentTooLarge, Assert.Throws<ProtocolException>(() => parser.TryParse(ref buffer, out _)).Error);
    }

    [Fact]
    public void FrameParser_waits_for_the_largest_supported_content_length()
    {
        byte[] sent = Frame(HeaderWith("content-length", FrameLimits.MaxSupportedContentLength.ToString(System.Globalization.CultureInfo.InvariantCulture)), "few bytes"u8.ToArray());
        var buffer = new ReadOnlySequence<byte>(sent);

        Assert.False(new FrameParser(Unlimited).TryParse(ref buffer, out _));
        Assert.Equal(sent.Length, buffer.Length);
    }

    [Fact]
    public void FrameReader_reports_a_truncated_frame_for_the_largest_supported_content_length()
    {
        byte[] sent = Frame(HeaderWith("content-length", FrameLimits.MaxSupportedContentLength.ToString(System.Globalization.CultureInfo.InvariantCulture)), "few bytes"u8.ToArray());

        Assert.Equal(ProtocolError.TruncatedFrame, HostileRead.ReadFromPipe(sent, Unlimited, 1, out int frames, out _));
        Assert.Equal(0, frames);
    }
}
