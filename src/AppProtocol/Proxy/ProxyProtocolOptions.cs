using System.Net;
using System.Net.Sockets;

namespace AppProtocol.Proxy;

/// <summary>Settings of the PROXY protocol: whether the header is required, whom it is accepted from, how long it may take.</summary>
/// <remarks>
/// <para>
/// Only a trusted peer's header is read. A peer with an IP address is trusted when it is in
/// <see cref="TrustedProxies"/>; when the list is empty, loopback addresses are (127.0.0.0/8 and ::1, as ASP.NET
/// Core's forwarded headers trust by default): a balancer on the same host works as it is, and nothing off the host
/// can name its own client address until you say so. An empty list never means everyone. A peer without an IP address
/// (a Unix domain socket, an in-memory connection) is local and always trusted: the socket file's permissions decide
/// who may connect.
/// </para>
/// <para>
/// A peer that is not trusted gets, when <see cref="Required"/>: its connection closed, a log line and a counted error
/// (<c>ProxyPeerNotTrusted</c>), before anything is read from it. When not required: it is served as a direct client,
/// its bytes left to the frame reader, so that a header it sends is read as a frame (a bad one), never as an address.
/// </para>
/// <para>
/// Each setter validates its value and throws <see cref="ArgumentOutOfRangeException"/> naming the setting. The server
/// takes a snapshot when it is built.
/// </para>
/// </remarks>
public sealed class ProxyProtocolOptions
{
    /// <summary>
    /// Whether every trusted peer must send the header. Default <see langword="true"/>, as the specification wants: a
    /// receiver must not guess whether a header is there. <see langword="false"/> lets a trusted peer connect with or
    /// without one (while a balancer is rolled out), told apart by the connection's first bytes.
    /// </summary>
    public bool Required { get; set; } = true;

    /// <summary>The proxies whose headers are believed: addresses (as /32 or /128 networks) and networks; loopback when empty.</summary>
    public IList<IPNetwork> TrustedProxies { get; } = [];

    /// <summary>How long a trusted peer may take to send its whole header after connecting; then it is closed. Default 5 seconds (the specification asks for at least 3, a TCP retransmit); <see cref="Timeout.InfiniteTimeSpan"/> disables it.</summary>
    public TimeSpan HeaderTimeout { get; set => field = Checked(value, nameof(HeaderTimeout)); } = TimeSpan.FromSeconds(5);

    /// <summary>Adds a trusted proxy: an IP address (<c>10.0.0.5</c>, <c>fd00::5</c>) or a network in CIDR notation (<c>10.0.0.0/8</c>).</summary>
    /// <param name="addressOrNetwork">The address or network.</param>
    /// <returns>These options.</returns>
    /// <exception cref="FormatException">The text is neither; the message says what is expected.</exception>
    public ProxyProtocolOptions AddTrustedProxy(string addressOrNetwork)
    {
        ArgumentNullException.ThrowIfNull(addressOrNetwork);
        TrustedProxies.Add(ParseNetwork(addressOrNetwork));
        return this;
    }

    /// <summary>The settings as they are now, for a server being built.</summary>
    internal ProxySettings Snapshot() => new(Required, HeaderTimeout, new ProxyTrust([.. TrustedProxies]));

    private static TimeSpan Checked(TimeSpan value, string setting) =>
        value > TimeSpan.Zero || value == Timeout.InfiniteTimeSpan
            ? value
            : throw new ArgumentOutOfRangeException(setting, value, $"{setting} must be positive or Timeout.InfiniteTimeSpan.");

    // Strict: an IPv4 address needs its four numbers ("10.1" is not 10.0.0.1), and a network's base address must have
    // no bits set past its prefix ("10.0.0.1/8" is refused rather than read as 10.0.0.0/8).
    private static IPNetwork ParseNetwork(string text)
    {
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        string address = slash < 0 ? text : text[..slash];
        bool written = address.Contains(':', StringComparison.Ordinal) ? !address.Contains('%', StringComparison.Ordinal) : address.Count(c => c == '.') == 3;
        if (written && slash < 0 && IPAddress.TryParse(address, out IPAddress? single))
        {
            return new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
        }

        if (written && slash > 0 && IPNetwork.TryParse(text, out IPNetwork network) && network.BaseAddress.Equals(IPAddress.Parse(address)))
        {
            return network;
        }

        throw new FormatException($"'{text}' is not an IP address or a network in CIDR notation with no bits set after its prefix (such as 10.0.0.5 or 10.0.0.0/8).");
    }
}
