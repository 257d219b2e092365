using System.Buffers;
using AppProtocol.Proxy;

namespace AppProtocol.Fuzz;

/// <summary>The fuzz target for the PROXY protocol header parser: any bytes, any segmenting; throws only <see cref="FuzzPropertyViolation"/> or what the library wrongly let escape.</summary>
/// <remarks>
/// The input is a <see cref="FuzzInput"/> (its limits bit is unused here). Properties checked for every input: no
/// exception but <see cref="ProxyProtocolException"/> escapes; the stream parsed whole and fed chunk by chunk as a
/// growing multi-segment sequence (as the middleware reads it) end the same way; every prefix shorter than the
/// header (or than the bytes that broke a rule) only asks for more bytes or breaks the same rule, so the parser never
/// throws for need-more-data; <c>consumed</c> is the header's length, never past the bytes given nor the version's
/// limit; the bytes after the header never change the outcome; and whether the stream starts like a header agrees
/// with the parse.
/// </remarks>
public static class ProxyFuzzTarget
{
    /// <summary>Longer inputs are ignored: a header is at most 4 KiB, and the prefix check is quadratic.</summary>
    public const int MaxInputLength = 16 * 1024;

    /// <summary>Runs every check on one input.</summary>
    /// <param name="input">The fuzz input.</param>
    /// <returns>What the whole-buffer parse saw, or <see langword="null"/> for an input over <see cref="MaxInputLength"/>.</returns>
    /// <exception cref="FuzzPropertyViolation">A property broke.</exception>
    public static ProxyParseOutcome? Run(ReadOnlySpan<byte> input)
    {
        if (input.Length > MaxInputLength)
        {
            return null;
        }

        FuzzInput fuzz = FuzzInput.Decode(input);
        byte[] stream = fuzz.Stream;
        ProxyParseOutcome whole = Parse(new ReadOnlySequence<byte>(stream));
        RequireConsumedIsTheHeader(whole, stream.Length);
        whole.RequireSame(ParseChunked(fuzz), "chunk by chunk");
        RequirePrefixesWaitOrFailAlike(whole, stream);
        RequireTailIgnored(whole, stream);
        RequireDetectionAgrees(whole, stream);
        return whole;
    }

    private static ProxyParseOutcome Parse(in ReadOnlySequence<byte> buffer)
    {
        try
        {
            return ProxyHeaderParser.TryParse(buffer, out ProxyHeader? header, out long consumed)
                ? new ProxyParseOutcome(ProxyParseOutcome.Describe(header), consumed, null)
                : ProxyParseOutcome.Incomplete;
        }
        catch (ProxyProtocolException ex)
        {
            return new ProxyParseOutcome(null, 0, ex.Error);
        }
    }

    private static void RequireConsumedIsTheHeader(ProxyParseOutcome whole, long available)
    {
        if (whole.Header is null)
        {
            return;
        }

        long limit = whole.Header.StartsWith("v1 ", StringComparison.Ordinal) ? ProxyHeaderParser.MaxV1HeaderLength : ProxyHeaderParser.MaxV2HeaderLength;
        if (whole.Consumed <= 0 || whole.Consumed > available || whole.Consumed > limit || !whole.Header.Contains($" length {whole.Consumed} ", StringComparison.Ordinal))
        {
            throw new FuzzPropertyViolation($"consumed {whole.Consumed} is not the header's length within {available} bytes and the limit {limit}: {whole.Header}");
        }
    }

    // As the middleware reads: each chunk its own segment, the whole received sequence parsed again after each.
    private static ProxyParseOutcome ParseChunked(FuzzInput fuzz)
    {
        byte[] stream = fuzz.Stream;
        ChunkSegment? first = null, last = null;
        for (int offset = 0, chunk = 0; offset < stream.Length; chunk++)
        {
            int size = Math.Min(fuzz.ChunkSize(chunk), stream.Length - offset);
            last = new ChunkSegment(stream.AsMemory(offset, size), last);
            first ??= last;
            offset += size;
            ProxyParseOutcome outcome = Parse(new ReadOnlySequence<byte>(first, 0, last, size));
            if (!outcome.IsIncomplete)
            {
                return outcome;
            }
        }

        return first is null ? Parse(ReadOnlySequence<byte>.Empty) : ProxyParseOutcome.Incomplete;
    }

    // Every prefix shorter than what decided the outcome (the header, or the whole stream) waits, or breaks the same rule.
    private static void RequirePrefixesWaitOrFailAlike(ProxyParseOutcome whole, byte[] stream)
    {
        long decided = whole.Header is not null ? whole.Consumed : stream.Length;
        for (int length = 0; length < Math.Min(decided, ProxyHeaderParser.MaxV2HeaderLength + 1); length++)
        {
            ProxyParseOutcome prefix = Parse(new ReadOnlySequence<byte>(stream, 0, length));
            bool fine = prefix.IsIncomplete || (whole.Error is { } error && prefix.Error == error);
            if (!fine)
            {
                throw new FuzzPropertyViolation($"The first {length} bytes gave {prefix}; the whole stream {whole}.");
            }
        }
    }

    // A header's outcome depends on its own bytes only; an error's on the bytes up to it, which a tail cannot change either.
    private static void RequireTailIgnored(ProxyParseOutcome whole, byte[] stream)
    {
        if (whole.IsIncomplete)
        {
            return;
        }

        ProxyParseOutcome longer = Parse(new ReadOnlySequence<byte>([.. stream, 0xFF, (byte)'\r', (byte)'\n', 0x00]));
        whole.RequireSame(longer, "with bytes appended");
    }

    // "Not a header" exactly when the first bytes differ from both "PROXY" and the version 2 signature.
    private static void RequireDetectionAgrees(ProxyParseOutcome whole, byte[] stream)
    {
        bool neither = stream.Length > 0 && !StartsLike(stream, "PROXY"u8) && !StartsLike(stream, ProxyHeaderBuilder.Signature);
        if ((whole.Error == ProxyProtocolError.ProxyHeaderMissing) != neither)
        {
            throw new FuzzPropertyViolation($"The stream {(neither ? "starts like no header" : "starts like a header")}, but the parse gave {whole}.");
        }
    }

    private static bool StartsLike(ReadOnlySpan<byte> stream, ReadOnlySpan<byte> expected)
    {
        int compared = Math.Min(stream.Length, expected.Length);
        return stream[..compared].SequenceEqual(expected[..compared]);
    }
}
