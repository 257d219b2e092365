using System.Net.Security;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Transport;

namespace AppProtocol.Hosting;

/// <summary>
/// The settings of a client registered with <c>AddFrameClient</c>: named options, bound from its configuration
/// section and set in code, from which the factory builds its <see cref="FrameClientOptions"/>.
/// </summary>
/// <remarks>
/// Each setter validates its value and throws <see cref="ArgumentOutOfRangeException"/> naming the setting; what no
/// single setter can check (a server named, certificates that load) is checked when the host starts. The keys of a
/// configuration section are these properties' names: <c>Host</c>, <c>Port</c>, <c>UnixSocketPath</c>, <c>UseTls</c>,
/// <c>TargetHost</c>, <c>ClientCertificate:Path</c> (<c>:KeyPath</c>, <c>:Password</c>), <c>CaCertificatePath</c>,
/// <c>ConnectTimeout</c>, <c>RequestTimeout</c>, <c>RequestsAreIdempotent</c>, <c>Limits:MaxContentLength</c>
/// (<c>MaxHeaderLength</c>, <c>MaxHeaderDepth</c>).
/// </remarks>
public sealed class FrameClientSettings
{
    /// <summary>The server's host name or IP address; see <see cref="FrameClientOptions.Host"/>.</summary>
    public string? Host { get; set; }

    /// <summary>The server's TCP port, 1 to 65535.</summary>
    public int Port { get; set => field = value is >= 1 and <= 65535 ? value : throw new ArgumentOutOfRangeException(nameof(Port), value, "Port must be 1 to 65535."); }

    /// <summary>The path of a Unix domain socket to connect to instead of TCP.</summary>
    public string? UnixSocketPath { get; set; }

    /// <summary>Whether to speak TLS; the server's certificate must name <see cref="TargetHost"/> (or <see cref="Host"/>).</summary>
    public bool UseTls { get; set; }

    /// <summary>The name the server's certificate must carry; <see cref="Host"/> when <see langword="null"/>.</summary>
    public string? TargetHost { get; set; }

    /// <summary>Mutual TLS: the certificate (with its private key) to present, from a PEM or PFX file.</summary>
    public CertificateSource? ClientCertificate { get; set; }

    /// <summary>A PEM file of CA certificates: the server's certificate must chain to one of them, and the system's roots are not trusted. For a private CA.</summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>Full TLS options, set in code; see <see cref="FrameClientOptions.SslOptions"/>.</summary>
    public SslClientAuthenticationOptions? SslOptions { get; set; }

    /// <summary>Limits for the frames the server sends.</summary>
    public FrameLimits Limits { get; set => field = value ?? throw new ArgumentNullException(nameof(Limits)); } = FrameLimits.Default;

    /// <summary>How long to try connecting; see <see cref="FrameClientOptions.ConnectTimeout"/>.</summary>
    public TimeSpan ConnectTimeout { get; set => field = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), value, "ConnectTimeout must be positive."); } = TimeSpan.FromSeconds(10);

    /// <summary>How long one request may take; see <see cref="FrameClientOptions.RequestTimeout"/>.</summary>
    public TimeSpan RequestTimeout
    {
        get;
        set => field = value > TimeSpan.Zero || value == Timeout.InfiniteTimeSpan ? value : throw new ArgumentOutOfRangeException(nameof(RequestTimeout), value, "RequestTimeout must be positive or Timeout.InfiniteTimeSpan.");
    } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether every request of this client may safely be processed twice; see
    /// <see cref="FrameClientOptions.RequestsAreIdempotent"/>. The standard retry
    /// (<see cref="FrameClientBuilder.AddStandardRetry"/>) then also retries a request lost with its connection.
    /// </summary>
    public bool RequestsAreIdempotent { get; set; }
}
