using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace AppProtocol.Proxy;

/// <summary>The version 2 header (specification 2.2): the signature, version and command, family and transport, length, addresses, then TLVs.</summary>
internal static class ProxyV2Parser
{
    /// <summary>The signature, the version byte and the family byte, and the 2-byte length.</summary>
    public const int FixedLength = 16;

    private const int VersionCommandAt = 12;
    private const int FamilyAt = 13;
    private const int LengthAt = 14;

    public static ReadOnlySpan<byte> Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>The header, or <see langword="null"/> while it is incomplete; the bytes start with the signature. Each field is checked as soon as it arrives.</summary>
    public static ProxyHeader? TryParse(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> start = stackalloc byte[FixedLength];
        int available = (int)Math.Min(buffer.Length, FixedLength);
        buffer.Slice(0, available).CopyTo(start);
        if (available <= VersionCommandAt)
        {
            return null;
        }

        ProxyCommand command = Command(start[VersionCommandAt]);

        // LOCAL: the receiver must discard the protocol block, family included.
        int addressLength = available <= FamilyAt || command == ProxyCommand.Local ? 0 : AddressLength(start[FamilyAt]);
        if (available < FixedLength)
        {
            return null;
        }

        int length = FixedLength + BinaryPrimitives.ReadUInt16BigEndian(start[LengthAt..]);
        if (length > ProxyHeaderParser.MaxV2HeaderLength)
        {
            throw Fail(ProxyProtocolError.V2HeaderTooLong, $"The PROXY header announces {length} bytes, more than the {ProxyHeaderParser.MaxV2HeaderLength} accepted.");
        }

        if (length - FixedLength < addressLength)
        {
            throw Fail(ProxyProtocolError.V2AddressesTruncated, $"The PROXY header's length leaves {length - FixedLength} bytes for addresses of {addressLength}.");
        }

        if (buffer.Length < length)
        {
            return null;
        }

        if (command == ProxyCommand.Local)
        {
            return new ProxyHeader(2, ProxyCommand.Local, AddressFamily.Unspecified, SocketType.Unknown, null, null, length);
        }

        ReadOnlySequence<byte> header = buffer.Slice(0, length);
        if (header.IsSingleSegment)
        {
            return Parse(header.FirstSpan, addressLength);
        }

        byte[] copy = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            header.CopyTo(copy);
            return Parse(copy.AsSpan(0, length), addressLength);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private static ProxyCommand Command(byte versionCommand) =>
        (versionCommand >> 4) != 2
            ? throw Fail(ProxyProtocolError.V2BadVersion, $"The PROXY header's version is {versionCommand >> 4}, not 2.")
            : (versionCommand & 0x0F) switch
            {
                0 => ProxyCommand.Local,
                1 => ProxyCommand.Proxy,
                int other => throw Fail(ProxyProtocolError.V2BadCommand, $"The PROXY header's command is {other}, neither LOCAL (0) nor PROXY (1)."),
            };

    // The seven family and transport bytes the specification defines, and their addresses' length.
    private static int AddressLength(byte family) => family switch
    {
        0x00 => 0,
        0x11 or 0x12 => 12,
        0x21 or 0x22 => 36,
        0x31 or 0x32 => 216,
        _ => throw Fail(ProxyProtocolError.V2BadFamily, $"The PROXY header's family and transport byte 0x{family:X2} is none the specification defines."),
    };

    // A whole PROXY header in one span: addresses for TCP over IPv4 or IPv6; the other families' are skipped (the
    // specification's fallback to UNSPEC for the combinations a receiver does not serve).
    private static ProxyHeader Parse(ReadOnlySpan<byte> header, int addressLength)
    {
        byte family = header[FamilyAt];
        ReadOnlySpan<byte> addresses = header.Slice(FixedLength, addressLength);
        (IPEndPoint? source, IPEndPoint? destination) = family switch
        {
            0x11 => (EndPoint(addresses[..4], addresses[8..]), EndPoint(addresses[4..8], addresses[10..])),
            0x21 => (EndPoint(addresses[..16], addresses[32..]), EndPoint(addresses[16..32], addresses[34..])),
            _ => (null, null),
        };
        ProxyTlvValues tlvs = ProxyV2Tlvs.Read(header, FixedLength + addressLength);
        AddressFamily addressFamily = (family >> 4) switch
        {
            1 => AddressFamily.InterNetwork,
            2 => AddressFamily.InterNetworkV6,
            3 => AddressFamily.Unix,
            _ => AddressFamily.Unspecified,
        };
        SocketType socketType = (family & 0x0F) switch
        {
            1 => SocketType.Stream,
            2 => SocketType.Dgram,
            _ => SocketType.Unknown,
        };
        return new ProxyHeader(2, ProxyCommand.Proxy, addressFamily, socketType, source, destination, header.Length)
        {
            Alpn = tlvs.Alpn,
            Authority = tlvs.Authority,
            UniqueId = tlvs.UniqueId,
            Ssl = tlvs.Ssl,
            HasChecksum = tlvs.HasChecksum,
        };
    }

    private static IPEndPoint EndPoint(ReadOnlySpan<byte> address, ReadOnlySpan<byte> port) =>
        new(new IPAddress(address), BinaryPrimitives.ReadUInt16BigEndian(port));

    private static ProxyProtocolException Fail(ProxyProtocolError error, string message) => new(error, message);
}
