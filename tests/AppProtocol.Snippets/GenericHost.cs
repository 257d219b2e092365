// <readme:generic-host>
using System.Text.Json.Serialization;
using AppProtocol.Diagnostics;
using AppProtocol.Hosting;
using AppProtocol.Server.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
// </readme:generic-host>

namespace ReadmeSnippets.GenericHost;

/// <summary>The README's "Host in the Generic Host, route typed actions": a host configured from its arguments (or appsettings.json).</summary>
public static class Snippet
{
    /// <summary>Runs the README's program.</summary>
    /// <param name="args">The program's arguments: configuration such as <c>--AppProtocol:Listen:0:Port=0</c>.</param>
    /// <param name="whileRunning">For the tests: starts the host, runs this, then stops the host, instead of running until the process is stopped.</param>
    /// <param name="testServices">For the tests: more services (exporters) before the host is built.</param>
    /// <returns>A task that completes when the host has stopped.</returns>
    public static async Task RunAsync(string[] args, Func<IHost, Task>? whileRunning = null, Action<IServiceCollection>? testServices = null)
    {
        // <readme:generic-host>
        // dotnet add package AppProtocol.Hosting; dotnet add package Microsoft.Extensions.Hosting; dotnet add package OpenTelemetry.Extensions.Hosting
        // dotnet run -- --AppProtocol:Listen:0:Host=localhost --AppProtocol:Listen:0:Port=65432 (or an appsettings.json)
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddScoped<SearchService>();
        builder.Services.AddAppProtocolServer(builder.Configuration.GetSection("AppProtocol"))   // Listen:0:Host, Listen:0:Port, Listen:0:Certificate:Path, IdleTimeout, Limits:..., ...
            .Run(services => new JsonActionRouter()                                             // or .MapHandler<MyHandler>(): an IFrameHandler from a scope per exchange
                .MapAction("echo", AppJson.Default.String, AppJson.Default.Reply, value => new Reply(value ?? ""))
                .MapScopedAction<SearchService, string, Reply>(services, "search", AppJson.Default.String, AppJson.Default.Reply,
                    (search, value, exchange, ct) => search.FindAsync(value, ct))               // a scope per request of this action
                .Handler);
        builder.Services.AddHealthChecks().AddAppProtocolServerCheck();                        // healthy listening; degraded from 90% of MaxConcurrentConnections
        builder.Services.AddOpenTelemetry()                                                    // a span per exchange, child of the client's; add an exporter
            .WithTracing(tracing => tracing.AddSource(AppProtocolDiagnostics.ActivitySourceName))
            .WithMetrics(metrics => metrics.AddMeter(AppProtocolDiagnostics.MeterName));
        // </readme:generic-host>
        testServices?.Invoke(builder.Services);
        if (whileRunning is not null)
        {
            using IHost host = builder.Build();
            await host.StartAsync();
            try
            {
                await whileRunning(host);
            }
            finally
            {
                await host.StopAsync();
            }

            return;
        }

        // <readme:generic-host>
        await builder.Build().RunAsync();
        // </readme:generic-host>
    }
}

// <readme:generic-host>
record Reply(string Result);

sealed class SearchService                             // scoped: one instance per "search" request
{
    public ValueTask<Reply> FindAsync(string? value, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new Reply(value == "morpheus" ? "Follow the white rabbit. 🐰" : $"No match for \"{value}\"."));
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]   // {"result": ...}, as the reference answers
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(Reply))]
partial class AppJson : JsonSerializerContext;
// </readme:generic-host>
