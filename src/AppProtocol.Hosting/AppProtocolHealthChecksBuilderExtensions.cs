using AppProtocol.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

// Beside AddHealthChecks and the other checks' Add* methods.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the AppProtocol server's health check.</summary>
public static class AppProtocolHealthChecksBuilderExtensions
{
    /// <summary>The check's default name.</summary>
    public const string DefaultName = "appprotocol";

    /// <summary>
    /// Reports the health of the server that <c>AddAppProtocolServer</c> registered: healthy while it listens;
    /// degraded while it listens with at least <paramref name="degradedRatio"/> of its
    /// <c>MaxConcurrentConnections</c> in use; <paramref name="failureStatus"/> before it listens, while and after
    /// it stops, and when it failed to start (its exception is the result's).
    /// </summary>
    /// <param name="builder">The health checks.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="degradedRatio">The share of the connection limit from which the server is degraded, above 0 and at most 1. Default 0.9.</param>
    /// <param name="failureStatus">The status when not listening; <see langword="null"/> for <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by (readiness, liveness).</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddAppProtocolServerCheck(
        this IHealthChecksBuilder builder,
        string name = DefaultName,
        double degradedRatio = 0.9,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!(degradedRatio > 0 && degradedRatio <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(degradedRatio), degradedRatio, "The ratio must be above 0 and at most 1.");
        }

        return builder.Add(new HealthCheckRegistration(
            name,
            services => new FrameServerHealthCheck(services.GetRequiredService<FrameServerService>(), degradedRatio),
            failureStatus,
            tags));
    }
}
