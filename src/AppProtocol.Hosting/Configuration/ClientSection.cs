using AppProtocol.Transport;

namespace AppProtocol.Hosting.Configuration;

/// <summary>
/// The configuration shape of <see cref="FrameClientSettings"/>, in nullable plain types that the configuration
/// binding source generator binds without reflection; a key left out keeps the setting's default.
/// </summary>
internal sealed class ClientSection
{
    public string? Host { get; set; }

    public int? Port { get; set; }

    public string? UnixSocketPath { get; set; }

    public bool? UseTls { get; set; }

    public string? TargetHost { get; set; }

    public CertificateSource? ClientCertificate { get; set; }

    public string? CaCertificatePath { get; set; }

    public TimeSpan? ConnectTimeout { get; set; }

    public TimeSpan? RequestTimeout { get; set; }

    public bool? RequestsAreIdempotent { get; set; }

    public LimitsSection? Limits { get; set; }
}
