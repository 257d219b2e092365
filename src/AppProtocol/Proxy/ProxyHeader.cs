using System.Net;
using System.Net.Sockets;

namespace AppProtocol.Proxy;

/// <summary>A parsed PROXY protocol header (version 1 or 2): who the proxy says the connection is from and to, and what else it told.</summary>
/// <remarks>
/// <see cref="Source"/> and <see cref="Destination"/> are set only for a relayed TCP connection over IPv4 or IPv6
/// (<c>TCP4</c>/<c>TCP6</c>, or version 2's PROXY over <c>AF_INET</c>/<c>AF_INET6</c> with <c>STREAM</c>). For
/// everything else the specification lets the receiver use the connection's real end points, and so does the server:
/// LOCAL (a health check), <c>UNKNOWN</c>, <c>AF_UNSPEC</c>, and the families it does not serve (<c>AF_UNIX</c>,
/// <c>DGRAM</c>), whose addresses are checked for length and skipped.
/// </remarks>
public sealed class ProxyHeader
{
    internal ProxyHeader(int version, ProxyCommand command, AddressFamily addressFamily, SocketType socketType, IPEndPoint? source, IPEndPoint? destination, int length)
    {
        Version = version;
        Command = command;
        AddressFamily = addressFamily;
        SocketType = socketType;
        Source = source;
        Destination = destination;
        Length = length;
    }

    /// <summary>1 for the text header, 2 for the binary one.</summary>
    public int Version { get; }

    /// <summary>LOCAL or PROXY; a version 1 header is always PROXY.</summary>
    public ProxyCommand Command { get; }

    /// <summary>The family the header names: <see cref="AddressFamily.InterNetwork"/>, <see cref="AddressFamily.InterNetworkV6"/>, <see cref="AddressFamily.Unix"/>, or <see cref="AddressFamily.Unspecified"/> (<c>UNKNOWN</c>, <c>AF_UNSPEC</c>, and LOCAL, whose family is ignored).</summary>
    public AddressFamily AddressFamily { get; }

    /// <summary>The transport the header names: <see cref="SocketType.Stream"/>, <see cref="SocketType.Dgram"/>, or <see cref="SocketType.Unknown"/>.</summary>
    public SocketType SocketType { get; }

    /// <summary>The original client's end point, or <see langword="null"/> when the connection's own end points count (see the remarks).</summary>
    public IPEndPoint? Source { get; }

    /// <summary>The end point the original client connected to (the proxy's), or <see langword="null"/> when <see cref="Source"/> is.</summary>
    public IPEndPoint? Destination { get; }

    /// <summary>How many bytes the header took on the wire; the connection's own bytes start after them.</summary>
    public int Length { get; }

    /// <summary>Version 2's ALPN TLV: the protocol the client negotiated with the proxy (for example <c>h2</c>); empty when absent.</summary>
    public ReadOnlyMemory<byte> Alpn { get; internal init; }

    /// <summary>Version 2's AUTHORITY TLV: the host name the client asked for (TLS's SNI), or <see langword="null"/>.</summary>
    public string? Authority { get; internal init; }

    /// <summary>Version 2's UNIQUE_ID TLV: the proxy's id of the connection, at most 128 bytes; empty when absent.</summary>
    public ReadOnlyMemory<byte> UniqueId { get; internal init; }

    /// <summary>Version 2's SSL TLV: how the client connected to the proxy, or <see langword="null"/>.</summary>
    public ProxySslInfo? Ssl { get; internal init; }

    /// <summary>Whether the header carried a CRC32C TLV, which then matched (a header whose checksum does not match is refused).</summary>
    public bool HasChecksum { get; internal init; }
}
