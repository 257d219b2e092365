using System.Net;

namespace AppProtocol.Client;

/// <summary>Several servers behind one client: which ones, how calls are spread, how long a failing one rests.</summary>
public sealed partial class FrameClientOptions
{
    /// <summary>
    /// Several servers (host and port each) to spread calls over, instead of <see cref="Host"/> and <see cref="Port"/>:
    /// each call goes to one of them as <see cref="LoadBalancing"/> says, over that server's own pool of connections
    /// (<see cref="MaxConnectionsPerServer"/>). A server whose connection fails is left out for
    /// <see cref="ServerBackoff"/>, doubling with each failure in a row up to 30 s, and is back once a call to it
    /// succeeds. A call that the failing server cannot have processed (or any call, when it is idempotent) goes to the
    /// next server. A host name stands for every address it resolves to (resolved at the first call), each a server of
    /// its own, so one name with several addresses spreads the calls too. <see langword="null"/> or empty: one server,
    /// <see cref="Host"/> and <see cref="Port"/> (whose addresses are only tried in turn when connecting).
    /// </summary>
    public IReadOnlyList<DnsEndPoint>? Servers
    {
        get;
        init => field = value is null || value.All(static s => s is not null && s.Port is >= 1 and <= 65535)
            ? value
            : throw new ArgumentException("Servers must name each server with a host and a port of 1 to 65535.", nameof(Servers));
    }

    /// <summary>How calls are spread over <see cref="Servers"/>; default <see cref="FrameLoadBalancing.LeastOutstanding"/>.</summary>
    public FrameLoadBalancing LoadBalancing
    {
        get;
        init => field = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(LoadBalancing), value, "LoadBalancing must be RoundRobin or LeastOutstanding.");
    } = FrameLoadBalancing.LeastOutstanding;

    /// <summary>How long a server of <see cref="Servers"/> is left out after its first failure (default 1 s); it doubles
    /// with each failure in a row, up to 30 s. Must be positive and at most 30 s.</summary>
    public TimeSpan ServerBackoff
    {
        get;
        init => field = value > TimeSpan.Zero && value <= MaxServerBackoff ? value : throw new ArgumentOutOfRangeException(nameof(ServerBackoff), value, "ServerBackoff must be positive and at most 30 s.");
    } = TimeSpan.FromSeconds(1);

    internal static TimeSpan MaxServerBackoff => TimeSpan.FromSeconds(30);

    internal bool HasSeveralServers => Servers is { Count: > 0 };

    /// <summary>These options for one server of <see cref="Servers"/>, the certificate checked against <paramref name="targetHost"/>.</summary>
    internal FrameClientOptions ForServer(DnsEndPoint server, string? targetHost) => new()
    {
        Host = server.Host,
        Port = server.Port,
        UseTls = UseTls,
        SslOptions = SslOptions,
        TargetHost = targetHost,
        ClientCertificate = ClientCertificate,
        RemoteCertificateValidation = RemoteCertificateValidation,
        Limits = Limits,
        ConnectTimeout = ConnectTimeout,
        RequestTimeout = RequestTimeout,
        RequestsAreIdempotent = RequestsAreIdempotent,
        MaxConnectionsPerServer = MaxConnectionsPerServer,
        UnsafePreferInlineScheduling = UnsafePreferInlineScheduling,
        MaxStreamedContentLength = MaxStreamedContentLength,
        Logger = Logger,
    };
}
