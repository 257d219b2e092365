namespace AppProtocol.Proxy;

/// <summary>The rule a PROXY protocol header broke, or why a connection was refused before one: the machine-readable reason of a <see cref="ProxyProtocolException"/>, and the <c>error.type</c> of the error it is counted as.</summary>
/// <remarks>The rules are those of HAProxy's specification (doc/proxy-protocol.txt), section 2.1 for version 1 and 2.2 for version 2.</remarks>
public enum ProxyProtocolError
{
    /// <summary>The connection's first bytes are neither the version 1 <c>PROXY</c> nor the version 2 signature, where a header is required.</summary>
    ProxyHeaderMissing = 1,

    /// <summary>The peer ended its stream inside the header.</summary>
    ProxyHeaderIncomplete,

    /// <summary>The peer is not a trusted proxy (<see cref="ProxyProtocolOptions.TrustedProxies"/>) and a header is required.</summary>
    ProxyPeerNotTrusted,

    /// <summary>Version 1: no CRLF within the first 107 bytes.</summary>
    V1LineTooLong,

    /// <summary>Version 1: a CR without its LF, or an LF without its CR.</summary>
    V1BadLineEnd,

    /// <summary>Version 1: not exactly one space between the fields, a field missing or one too many.</summary>
    V1BadSyntax,

    /// <summary>Version 1: the protocol is not <c>TCP4</c>, <c>TCP6</c> or <c>UNKNOWN</c>.</summary>
    V1UnknownProtocol,

    /// <summary>Version 1: an address is not in its family's canonical form (IPv4: four decimal numbers 0-255 without leading zeros; IPv6: hexadecimal groups, one <c>::</c> at most, 128 bits).</summary>
    V1BadAddress,

    /// <summary>Version 1: a port is not a decimal number from 0 to 65535 without leading zeros.</summary>
    V1BadPort,

    /// <summary>Version 2: the version (the high four bits of the 13th byte) is not 2.</summary>
    V2BadVersion,

    /// <summary>Version 2: the command (the low four bits of the 13th byte) is neither LOCAL (0) nor PROXY (1).</summary>
    V2BadCommand,

    /// <summary>Version 2: the family and transport byte (the 14th) is none of the seven the specification defines.</summary>
    V2BadFamily,

    /// <summary>Version 2: the length is shorter than the family's addresses (12 bytes for IPv4, 36 for IPv6, 216 for Unix).</summary>
    V2AddressesTruncated,

    /// <summary>Version 2: the header would be longer than <see cref="ProxyHeaderParser.MaxV2HeaderLength"/>.</summary>
    V2HeaderTooLong,

    /// <summary>Version 2: a TLV (or a sub-TLV of the SSL TLV) runs past the end of the header (or of its TLV).</summary>
    V2TlvOverrun,

    /// <summary>Version 2: a TLV the server reads has an invalid value (a CRC32C that is not 4 bytes, a unique id over 128 bytes, an SSL TLV under 5 bytes, a text that is not UTF-8).</summary>
    V2BadTlv,

    /// <summary>Version 2: a TLV the server reads appears twice, so which one counts would be a guess.</summary>
    V2DuplicateTlv,

    /// <summary>Version 2: the CRC32C TLV does not match the header's checksum.</summary>
    V2ChecksumMismatch,
}
