using AppProtocol.Proxy;

namespace AppProtocol.Fuzz;

/// <summary>How one parse of a PROXY header ended: a header (described), an error, or a need for more bytes.</summary>
/// <param name="Header">The header described field by field, or <see langword="null"/>.</param>
/// <param name="Consumed">The header's length as the parser reported it; 0 without a header.</param>
/// <param name="Error">The rule broken, or <see langword="null"/>.</param>
public sealed record ProxyParseOutcome(string? Header, long Consumed, ProxyProtocolError? Error)
{
    /// <summary>The parse wants more bytes.</summary>
    public static ProxyParseOutcome Incomplete { get; } = new(null, 0, null);

    /// <summary>Whether the parse wants more bytes.</summary>
    public bool IsIncomplete => Header is null && Error is null;

    /// <summary>Describes a header, every field, so that two parses compare as strings.</summary>
    /// <param name="header">The header.</param>
    /// <returns>The description.</returns>
    public static string Describe(ProxyHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        string ssl = header.Ssl is { } s
            ? $"ssl({s.Client},{s.VerifyResult},{s.Version},{s.CommonName},{s.Cipher},{s.SignatureAlgorithm},{s.KeyAlgorithm})"
            : "no ssl";
        return $"v{header.Version} {header.Command} {header.AddressFamily}/{header.SocketType} {header.Source?.ToString() ?? "-"} -> {header.Destination?.ToString() ?? "-"} " +
            $"length {header.Length} alpn {Convert.ToHexString(header.Alpn.Span)} authority {header.Authority ?? "-"} id {Convert.ToHexString(header.UniqueId.Span)} {ssl} crc {header.HasChecksum}";
    }

    /// <summary>Throws <see cref="FuzzPropertyViolation"/> unless <paramref name="other"/> ended the same way.</summary>
    /// <param name="other">Another parse of the same bytes.</param>
    /// <param name="how">Names the other parse, for the message.</param>
    public void RequireSame(ProxyParseOutcome other, string how)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (this != other)
        {
            throw new FuzzPropertyViolation($"{how}: the whole buffer gave {this}, this parse {other}.");
        }
    }
}
