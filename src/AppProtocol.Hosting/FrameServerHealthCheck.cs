using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AppProtocol.Hosting;

/// <summary>
/// The server's health: healthy while listening, degraded while listening with connections at or above a share of
/// <see cref="AppProtocol.Server.FrameServerOptions.MaxConcurrentConnections"/> (new ones may soon be refused), and
/// the registration's failure status (unhealthy by default) before it listens, once it stops, and when it failed to start.
/// </summary>
internal sealed class FrameServerHealthCheck(FrameServerService server, double degradedRatio) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        FrameServerStatus status = server.Status;
        if (status != FrameServerStatus.Listening)
        {
            string description = status == FrameServerStatus.Failed
                ? $"The AppProtocol server failed to start: {server.Failure?.Message}"
                : $"The AppProtocol server is not listening ({status}).";
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, description, server.Failure, Data(status)));
        }

        int active = server.ActiveConnections;
        int max = server.MaxConcurrentConnections;
        bool busy = active >= degradedRatio * max;
        string listening = $"Listening on {string.Join(", ", server.EndPoints)}; {active} of {max} connections.";
        return Task.FromResult(busy ? HealthCheckResult.Degraded(listening, data: Data(status)) : HealthCheckResult.Healthy(listening, Data(status)));
    }

    private Dictionary<string, object> Data(FrameServerStatus status) => new(StringComparer.Ordinal)
    {
        ["status"] = status.ToString(),
        ["active_connections"] = server.ActiveConnections,
        ["max_concurrent_connections"] = server.MaxConcurrentConnections,
    };
}
