using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace AppProtocol.Proxy;

/// <summary>Parses a PROXY protocol header (HAProxy's specification, versions 1 and 2) from the start of a connection's bytes: pure, no I/O, no state.</summary>
/// <remarks>
/// <para>
/// <see cref="TryParse"/> returns <see langword="false"/> while the header is incomplete, and throws
/// <see cref="ProxyProtocolException"/> as soon as the bytes received break a rule: the rules are checked in the order
/// of the bytes, so the outcome never depends on how the bytes were split. It never reads past the header:
/// <c>consumed</c> is exactly its length, and the bytes after it belong to the protocol that follows.
/// </para>
/// <para>
/// Limits: a version 1 line must end within <see cref="MaxV1HeaderLength"/> bytes (the specification's); a version 2
/// header may be at most <see cref="MaxV2HeaderLength"/> bytes, checked as soon as its length field arrives, so that a
/// peer cannot make the server hold the 64 KiB the field could announce.
/// </para>
/// </remarks>
public static class ProxyHeaderParser
{
    /// <summary>The longest version 1 line, CRLF included: <c>PROXY UNKNOWN</c> with two full IPv6 addresses and ports.</summary>
    public const int MaxV1HeaderLength = 107;

    /// <summary>
    /// The longest version 2 header accepted, its 16 fixed bytes included: 4 KiB, which holds the longest addresses
    /// (216 bytes for Unix sockets) and far more TLVs than proxies send (HAProxy's SSL details, a unique id and an
    /// authority take a few hundred bytes; cloud balancers' own TLVs less).
    /// </summary>
    public const int MaxV2HeaderLength = 4096;

    private static ReadOnlySpan<byte> V1Prefix => "PROXY"u8;

    /// <summary>Parses the header at the start of <paramref name="buffer"/>.</summary>
    /// <param name="buffer">The connection's first bytes.</param>
    /// <param name="header">The header, when whole.</param>
    /// <param name="consumed">The header's length: where the connection's own bytes start; 0 when more bytes are needed.</param>
    /// <returns><see langword="true"/> for a whole header; <see langword="false"/> when more bytes are needed.</returns>
    /// <exception cref="ProxyProtocolException">The bytes are not a PROXY protocol header, or break one of its rules.</exception>
    public static bool TryParse(in ReadOnlySequence<byte> buffer, [NotNullWhen(true)] out ProxyHeader? header, out long consumed)
    {
        header = Detect(buffer) switch
        {
            ProxyHeaderKind.Version1 => ProxyV1Parser.TryParse(buffer),
            ProxyHeaderKind.Version2 => ProxyV2Parser.TryParse(buffer),
            ProxyHeaderKind.None => throw new ProxyProtocolException(ProxyProtocolError.ProxyHeaderMissing, "The connection does not start with a PROXY protocol header (neither \"PROXY\" nor the version 2 signature)."),
            _ => null,
        };
        consumed = header?.Length ?? 0;
        return header is not null;
    }

    /// <summary>Which header the bytes start with, as soon as their first bytes tell (at most the 12 of the version 2 signature).</summary>
    internal static ProxyHeaderKind Detect(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> start = stackalloc byte[ProxyV2Parser.Signature.Length];
        int length = (int)Math.Min(buffer.Length, start.Length);
        buffer.Slice(0, length).CopyTo(start);
        return Detect(start[..length]);
    }

    private static ProxyHeaderKind Detect(ReadOnlySpan<byte> start)
    {
        if (start.IsEmpty)
        {
            return ProxyHeaderKind.Incomplete;
        }

        bool v1 = start[0] == V1Prefix[0];
        ReadOnlySpan<byte> expected = v1 ? V1Prefix : ProxyV2Parser.Signature;
        int compared = Math.Min(start.Length, expected.Length);
        if (!start[..compared].SequenceEqual(expected[..compared]))
        {
            return ProxyHeaderKind.None;
        }

        return compared < expected.Length ? ProxyHeaderKind.Incomplete : v1 ? ProxyHeaderKind.Version1 : ProxyHeaderKind.Version2;
    }
}
