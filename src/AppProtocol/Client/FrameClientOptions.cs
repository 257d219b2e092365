using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using AppProtocol.Framing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AppProtocol.Client;

/// <summary>Where and how a <see cref="FrameClient"/> connects.</summary>
/// <remarks>
/// Each setter validates its value and throws <see cref="ArgumentOutOfRangeException"/> naming the setting.
/// Give either <see cref="Host"/> and <see cref="Port"/> (TCP), or <see cref="UnixSocketPath"/>. TLS is on when
/// <see cref="UseTls"/> is set or <see cref="SslOptions"/> is given; the server's certificate is validated
/// against <see cref="TargetHost"/> (or <see cref="Host"/>) unless a custom
/// <see cref="RemoteCertificateValidation"/> callback is given.
/// </remarks>
public sealed partial class FrameClientOptions
{
    /// <summary>The server's host name or IP address literal. Every address a name resolves to is tried in turn.
    /// The empty string means this machine (loopback), as in the reference client.</summary>
    public string? Host { get; init; }

    /// <summary>The server's TCP port.</summary>
    public int Port { get; init => field = value is >= 1 and <= 65535 ? value : throw new ArgumentOutOfRangeException(nameof(Port), value, "Port must be 1 to 65535."); }

    /// <summary>The path of a Unix domain socket to connect to instead of TCP.</summary>
    public string? UnixSocketPath { get; init; }

    /// <summary>Whether to speak TLS (with options built from <see cref="TargetHost"/>, <see cref="ClientCertificate"/>
    /// and <see cref="RemoteCertificateValidation"/>).</summary>
    public bool UseTls { get; init; }

    /// <summary>Full TLS options, taking precedence over <see cref="UseTls"/> and the other TLS members when set.
    /// A missing <see cref="SslClientAuthenticationOptions.TargetHost"/> is filled from <see cref="TargetHost"/> or <see cref="Host"/>.</summary>
    public SslClientAuthenticationOptions? SslOptions { get; init; }

    /// <summary>The name the server's certificate must carry; <see cref="Host"/> when <see langword="null"/>.</summary>
    public string? TargetHost { get; init; }

    /// <summary>A certificate (with private key) to present for mutual TLS, or <see langword="null"/>.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Custom server-certificate validation; <see langword="null"/> for the platform's default validation,
    /// which checks the chain and that the certificate names <see cref="TargetHost"/>.</summary>
    public RemoteCertificateValidationCallback? RemoteCertificateValidation { get; init; }

    /// <summary>Limits for the frames the server sends.</summary>
    public FrameLimits Limits { get; init => field = value ?? throw new ArgumentNullException(nameof(Limits)); } = FrameLimits.Default;

    /// <summary>How long to try connecting (name resolution, every address, TLS handshake) before giving up.</summary>
    public TimeSpan ConnectTimeout { get; init => field = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), value, "ConnectTimeout must be positive."); } = TimeSpan.FromSeconds(10);

    /// <summary>How long one request may take, from the call until its response has arrived (including connecting);
    /// <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</summary>
    public TimeSpan RequestTimeout
    {
        get;
        init => field = value > TimeSpan.Zero || value == Timeout.InfiniteTimeSpan ? value : throw new ArgumentOutOfRangeException(nameof(RequestTimeout), value, "RequestTimeout must be positive or Timeout.InfiniteTimeSpan.");
    } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether every request may safely be processed twice (a search, a read): then a request that the server may
    /// have processed when its connection failed is sent again on a new connection, within the same three attempts as
    /// a request the server certainly did not read. Default <see langword="false"/>: only requests the server cannot
    /// have read are sent again, and the others fail with <see cref="FrameClientException.RequestNotProcessed"/> false.
    /// </summary>
    /// <remarks>Behind a balancer that resets a connection it had already passed on (a server that stopped as it was
    /// accepted), the client cannot tell whether the server read the request; this lets such calls succeed.</remarks>
    public bool RequestsAreIdempotent { get; init; }

    /// <summary>
    /// The most connections a client keeps open to its server at once, as <c>SocketsHttpHandler.MaxConnectionsPerServer</c>;
    /// default 8. Each call goes on the connection with the fewest requests outstanding; a new one opens when every
    /// open one is busy and the limit allows, so one slow answer does not hold every caller (a server answers the
    /// requests on one connection in order). At the limit, concurrent calls are pipelined on the open connections.
    /// 1 pipelines every call on one connection. Must be 1 or more.
    /// </summary>
    public int MaxConnectionsPerServer
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxConnectionsPerServer), value, "MaxConnectionsPerServer must be 1 or more.");
    } = 8;

    /// <summary>
    /// Whether a caller's code after <c>await</c> of an answer runs inline on the connection's read loop, until its next
    /// <c>await</c>, instead of being handed to the thread pool; default <see langword="false"/>. As Kestrel's
    /// <c>SocketTransportOptions.UnsafePreferInlineScheduling</c>, it saves a thread switch per answer: 64 callers on
    /// one client made about twice the calls per second, one caller per client no more (docs/PERFORMANCE.md).
    /// </summary>
    /// <remarks>The trade-off: while that code runs, the connection reads nothing, so the answers of the calls behind it
    /// wait. Code that blocks there, above all on another call's result (<c>.Result</c>, <c>.Wait()</c>), can deadlock the
    /// connection. Use it only where callers go straight on to their next <c>await</c>. Failures are always handed to the
    /// thread pool.</remarks>
    public bool UnsafePreferInlineScheduling { get; init; }

    /// <summary>Where connects, closed connections and re-sent requests are logged; nothing is logged when <see langword="null"/>.</summary>
    public ILogger? Logger { get; init; }

    internal ILogger EffectiveLogger => Logger ?? NullLogger.Instance;

    internal bool IsTls => UseTls || SslOptions is not null;

    internal string Describe() =>
        HasSeveralServers ? string.Join(", ", Servers!.Select(static s => $"{s.Host}:{s.Port}")) : UnixSocketPath ?? $"{Host}:{Port}";

    /// <summary>Checks what no single setter can: that the options name a server.</summary>
    internal void Validate()
    {
        if (!HasSeveralServers && UnixSocketPath is null && (Host is null || Port == 0))
        {
            throw new ArgumentException("FrameClientOptions name no server: set Host and Port, UnixSocketPath, or Servers.");
        }
    }
}
