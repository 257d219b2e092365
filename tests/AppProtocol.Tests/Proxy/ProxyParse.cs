using System.Buffers;
using AppProtocol.Fuzz;
using AppProtocol.Proxy;
using AppProtocol.Tests.Support;

namespace AppProtocol.Tests.Proxy;

/// <summary>
/// Parses a PROXY header as one buffer, split in two at every point, and byte by byte as a growing sequence, and
/// asserts that every way ends alike: the parser never throws for need-more-data, whatever the split.
/// </summary>
internal static class ProxyParse
{
    /// <summary>The header at the start of <paramref name="bytes"/>, however they are split.</summary>
    public static ProxyHeader Header(byte[] bytes)
    {
        ProxyParseOutcome whole = Outcome(new ReadOnlySequence<byte>(bytes));
        Assert.True(whole.Header is not null, $"Expected a header, got {whole}.");
        AssertEverySplitAlike(bytes, whole);
        Assert.True(ProxyHeaderParser.TryParse(new ReadOnlySequence<byte>(bytes), out ProxyHeader? header, out long consumed));
        Assert.Equal(header.Length, consumed);
        return header;
    }

    /// <summary>The rule <paramref name="bytes"/> break, however they are split.</summary>
    public static ProxyProtocolError Error(byte[] bytes)
    {
        ProxyParseOutcome whole = Outcome(new ReadOnlySequence<byte>(bytes));
        Assert.True(whole.Error is not null, $"Expected an error, got {whole}.");
        AssertEverySplitAlike(bytes, whole);
        return whole.Error.Value;
    }

    /// <summary>Whether the parser wants more bytes than these, for each prefix too.</summary>
    public static bool NeedsMore(byte[] bytes)
    {
        for (int length = 0; length <= bytes.Length; length++)
        {
            if (!Outcome(new ReadOnlySequence<byte>(bytes, 0, length)).IsIncomplete)
            {
                return false;
            }
        }

        return true;
    }

    public static ProxyParseOutcome Outcome(in ReadOnlySequence<byte> buffer)
    {
        try
        {
            return ProxyHeaderParser.TryParse(buffer, out ProxyHeader? header, out long consumed)
                ? new ProxyParseOutcome(ProxyParseOutcome.Describe(header), consumed, null)
                : ProxyParseOutcome.Incomplete;
        }
        catch (ProxyProtocolException ex)
        {
            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
            return new ProxyParseOutcome(null, 0, ex.Error);
        }
    }

    private static void AssertEverySplitAlike(byte[] bytes, ProxyParseOutcome whole)
    {
        for (int split = 1; split < bytes.Length; split++)
        {
            Assert.Equal(whole, Outcome(Segments.Of(bytes[..split], bytes[split..])));
        }

        // Byte by byte, as a receive loop would see it: incomplete until the outcome, then the outcome (quadratic: short inputs only).
        if (bytes.Length > 600)
        {
            return;
        }

        ProxyParseOutcome? seen = null;
        for (int length = 0; length <= bytes.Length && seen is null; length++)
        {
            ProxyParseOutcome prefix = Outcome(Segments.Of(Segments.Split(bytes[..length], Enumerable.Repeat(1, length))));
            if (!prefix.IsIncomplete)
            {
                seen = prefix;
            }
        }

        Assert.Equal(whole, seen);
    }
}
