using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace AppProtocol.Proxy;

/// <summary>The version 1 header (specification 2.1): <c>PROXY TCP4|TCP6 source destination sport dport\r\n</c>, or <c>PROXY UNKNOWN ...\r\n</c>.</summary>
internal static class ProxyV1Parser
{
    private const int Max = ProxyHeaderParser.MaxV1HeaderLength;

    /// <summary>The header, or <see langword="null"/> while its line has not ended; the bytes start with <c>PROXY</c>.</summary>
    public static ProxyHeader? TryParse(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> window = stackalloc byte[Max];
        int length = (int)Math.Min(buffer.Length, Max);
        buffer.Slice(0, length).CopyTo(window);
        int end = FindLineEnd(window[..length]);
        return end < 0 ? null : ParseLine(window[..end], end + 2);
    }

    // The index of the CRLF's CR; -1 while more bytes are needed. A lone CR or LF is never a line end.
    private static int FindLineEnd(ReadOnlySpan<byte> window)
    {
        int end = window.IndexOfAny((byte)'\r', (byte)'\n');
        if (end >= 0 && window[end] == '\n')
        {
            throw Fail(ProxyProtocolError.V1BadLineEnd, "The PROXY line has an LF without its CR.");
        }

        if (end >= 0 && end + 1 < window.Length)
        {
            return window[end + 1] == '\n' ? end : throw Fail(ProxyProtocolError.V1BadLineEnd, "The PROXY line has a CR without its LF.");
        }

        return window.Length < Max ? -1 : throw Fail(ProxyProtocolError.V1LineTooLong, $"The PROXY line has no CRLF within its first {Max} bytes.");
    }

    private static ProxyHeader ParseLine(ReadOnlySpan<byte> line, int length)
    {
        // "PROXY" is the detection's; then exactly one space and the protocol.
        ReadOnlySpan<byte> rest = line[5..];
        if (rest.IsEmpty || rest[0] != ' ' || (rest.Length > 1 && rest[1] == ' '))
        {
            throw Fail(ProxyProtocolError.V1BadSyntax, "\"PROXY\" must be followed by exactly one space and the protocol.");
        }

        rest = rest[1..];
        int space = rest.IndexOf((byte)' ');
        ReadOnlySpan<byte> protocol = space < 0 ? rest : rest[..space];
        if (protocol.SequenceEqual("UNKNOWN"u8))
        {
            // The receiver must ignore whatever comes before the CRLF, and use the connection's own end points.
            return new ProxyHeader(1, ProxyCommand.Proxy, AddressFamily.Unspecified, SocketType.Unknown, null, null, length);
        }

        AddressFamily family = protocol.SequenceEqual("TCP4"u8) ? AddressFamily.InterNetwork
            : protocol.SequenceEqual("TCP6"u8) ? AddressFamily.InterNetworkV6
            : throw Fail(ProxyProtocolError.V1UnknownProtocol, "The PROXY line's protocol is not TCP4, TCP6 or UNKNOWN.");
        if (space < 0)
        {
            throw Fail(ProxyProtocolError.V1BadSyntax, "The PROXY line lacks its addresses and ports.");
        }

        ReadOnlySpan<byte> values = rest[(space + 1)..];
        Span<Range> fields = stackalloc Range[4];
        SplitFields(values, fields);
        return new ProxyHeader(
            1,
            ProxyCommand.Proxy,
            family,
            SocketType.Stream,
            new IPEndPoint(Address(values[fields[0]], family, "source"), Port(values[fields[2]], "source")),
            new IPEndPoint(Address(values[fields[1]], family, "destination"), Port(values[fields[3]], "destination")),
            length);
    }

    // Exactly four non-empty fields separated by single spaces, none after.
    private static void SplitFields(ReadOnlySpan<byte> values, Span<Range> fields)
    {
        int count = 0, start = 0;
        for (int i = 0; i <= values.Length; i++)
        {
            if (i < values.Length && values[i] != ' ')
            {
                continue;
            }

            if (i == start || count == fields.Length)
            {
                throw Fail(ProxyProtocolError.V1BadSyntax, "The PROXY line must have exactly four fields after its protocol (two addresses, two ports), separated by single spaces.");
            }

            fields[count++] = start..i;
            start = i + 1;
        }

        if (count != fields.Length)
        {
            throw Fail(ProxyProtocolError.V1BadSyntax, "The PROXY line must have exactly four fields after its protocol (two addresses, two ports), separated by single spaces.");
        }
    }

    private static IPAddress Address(ReadOnlySpan<byte> text, AddressFamily family, string which) =>
        ProxyV1Text.ParseAddress(text, family)
        ?? throw Fail(ProxyProtocolError.V1BadAddress, $"The PROXY line's {which} address is not a canonical {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address.");

    private static int Port(ReadOnlySpan<byte> text, string which) =>
        ProxyV1Text.TryParseDecimal(text, IPEndPoint.MaxPort, out int port)
            ? port
            : throw Fail(ProxyProtocolError.V1BadPort, $"The PROXY line's {which} port is not a decimal number from 0 to 65535 without leading zeros.");

    private static ProxyProtocolException Fail(ProxyProtocolError error, string message) => new(error, message);
}
