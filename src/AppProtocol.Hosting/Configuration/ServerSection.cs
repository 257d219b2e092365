using AppProtocol.Transport;

namespace AppProtocol.Hosting.Configuration;

// The configuration shape of FrameServerOptions, in plain settable types that the configuration binding source
// generator binds without reflection (FrameServerOptions itself holds types it cannot: a get-only IList, TLS
// objects, a clock, a pool). The keys are FrameServerOptions' own, so that one configuration binds either way.

/// <summary>The settings of <see cref="Server.FrameServerOptions"/> that configuration gives.</summary>
internal sealed class ServerSection
{
    public List<ListenSection> Listen { get; set; } = [];

    public LimitsSection? Limits { get; set; }

    public TimeSpan? IdleTimeout { get; set; }

    public TimeSpan? FrameTimeout { get; set; }

    public TimeSpan? ShutdownTimeout { get; set; }

    public TimeSpan? TlsHandshakeTimeout { get; set; }

    public DataRateSection? MinResponseDataRate { get; set; }

    public DataRateSection? MinRequestDataRate { get; set; }

    public long? RequestStreamingThreshold { get; set; }

    public long? MaxStreamedContentLength { get; set; }

    public int? MaxConcurrentConnections { get; set; }

    public bool? CloseAfterResponse { get; set; }

    public bool? TrimMemoryAfterSurge { get; set; }

    public int? Backlog { get; set; }
}

/// <summary>One listen address: <c>Host</c> and <c>Port</c>, or <c>UnixSocketPath</c>; TLS with a <c>Certificate</c> (<c>Path</c>, <c>KeyPath</c>, <c>Password</c>).</summary>
internal sealed class ListenSection
{
    public string? Host { get; set; }

    public int? Port { get; set; }

    public string? UnixSocketPath { get; set; }

    public CertificateSource? Certificate { get; set; }
}

/// <summary>The frame limits.</summary>
internal sealed class LimitsSection
{
    /// <summary>Applies the limits given, each through <see cref="Framing.FrameLimits"/>' validating setters, a refusal recorded under its key.</summary>
    public void ApplyTo(SettingErrors errors, Func<Framing.FrameLimits> current, Action<Framing.FrameLimits> set)
    {
        errors.Set("Limits:MaxContentLength", MaxContentLength, v => set(current() with { MaxContentLength = v }));
        errors.Set("Limits:MaxHeaderLength", MaxHeaderLength, v => set(current() with { MaxHeaderLength = v }));
        errors.Set("Limits:MaxHeaderDepth", MaxHeaderDepth, v => set(current() with { MaxHeaderDepth = v }));
    }

    public long? MaxContentLength { get; set; }

    public int? MaxHeaderLength { get; set; }

    public int? MaxHeaderDepth { get; set; }
}

/// <summary>A minimum data rate; a key left out keeps the default's value.</summary>
internal sealed class DataRateSection
{
    public double? BytesPerSecond { get; set; }

    public TimeSpan? GracePeriod { get; set; }
}
