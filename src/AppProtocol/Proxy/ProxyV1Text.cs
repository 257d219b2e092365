using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace AppProtocol.Proxy;

/// <summary>The version 1 header's numbers and addresses, read as strictly as the specification writes them.</summary>
internal static class ProxyV1Text
{
    private static readonly SearchValues<byte> HexDigits = SearchValues.Create("0123456789abcdefABCDEF"u8);

    /// <summary>The address, or <see langword="null"/> unless the text is its family's canonical form.</summary>
    /// <remarks>IPv4: exactly four decimal numbers from 0 to 255 without leading zeros. IPv6: groups of 1 to 4 hexadecimal digits, one <c>::</c> at most, an IPv4 address as the last 32 bits allowed (as <c>inet_ntop</c> writes mapped addresses), 128 bits in all; no zone, no brackets.</remarks>
    public static IPAddress? ParseAddress(ReadOnlySpan<byte> text, AddressFamily family)
    {
        Span<byte> bytes = stackalloc byte[4];
        if (family == AddressFamily.InterNetwork)
        {
            return TryParseIPv4(text, bytes) ? new IPAddress(bytes) : null;
        }

        return IsIPv6(text, bytes) && IPAddress.TryParse(text, out IPAddress? address) && address.AddressFamily == AddressFamily.InterNetworkV6
            ? address
            : null;
    }

    /// <summary>A decimal number of 1 to 5 digits, without leading zeros, at most <paramref name="max"/>.</summary>
    public static bool TryParseDecimal(ReadOnlySpan<byte> text, int max, out int value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 5 || (text[0] == '0' && text.Length > 1))
        {
            return false;
        }

        foreach (byte c in text)
        {
            if (!char.IsAsciiDigit((char)c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return value <= max;
    }

    private static bool TryParseIPv4(ReadOnlySpan<byte> text, Span<byte> bytes)
    {
        for (int part = 0; part < 4; part++)
        {
            int dot = part < 3 ? text.IndexOf((byte)'.') : text.Length;
            if (dot < 0 || !TryParseDecimal(text[..dot], byte.MaxValue, out int value))
            {
                return false;
            }

            bytes[part] = (byte)value;
            text = part < 3 ? text[(dot + 1)..] : [];
        }

        return true;
    }

    // The grammar alone (RFC 4291 2.2 as inet_pton reads it); IPAddress then gives the value.
    private static bool IsIPv6(ReadOnlySpan<byte> text, Span<byte> scratch)
    {
        int doubleColon = text.IndexOf("::"u8);
        if (doubleColon < 0)
        {
            return CountGroups(text, scratch, out int groups) && groups == 8;
        }

        // A second "::", or ":::".
        if (text[(doubleColon + 1)..].IndexOf("::"u8) >= 0)
        {
            return false;
        }

        // "::" stands for at least one zero group; an IPv4 tail may only come after it.
        return CountGroups(text[..doubleColon], [], out int head)
            && CountGroups(text[(doubleColon + 2)..], scratch, out int tail)
            && head + tail <= 7;
    }

    // Counts the groups of a run separated by single colons (an empty run has none); with room for one, a dotted
    // IPv4 address may end the run, as two groups.
    private static bool CountGroups(ReadOnlySpan<byte> run, Span<byte> ipv4, out int groups)
    {
        groups = 0;
        while (!run.IsEmpty)
        {
            int colon = run.IndexOf((byte)':');
            ReadOnlySpan<byte> group = colon < 0 ? run : run[..colon];
            if (colon < 0 && !ipv4.IsEmpty && group.Contains((byte)'.'))
            {
                groups += 2;
                return TryParseIPv4(group, ipv4);
            }

            if (group.IsEmpty || group.Length > 4 || group.ContainsAnyExcept(HexDigits))
            {
                return false;
            }

            groups++;
            if (colon < 0)
            {
                return true;
            }

            run = run[(colon + 1)..];
            if (run.IsEmpty)
            {
                // A trailing single colon.
                return false;
            }
        }

        return true;
    }
}
