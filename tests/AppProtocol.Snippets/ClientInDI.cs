// <readme:client-in-di>
using System.Text.Json.Serialization;
using AppProtocol.Diagnostics;
using AppProtocol.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
// </readme:client-in-di>

namespace ReadmeSnippets.ClientInDI;

/// <summary>The README's "Use the client in a host": a worker with a typed client from configuration, a safe retry, logs, metrics and traces.</summary>
public static class Snippet
{
    /// <summary>Runs the README's program; it stops once the worker has its answer.</summary>
    /// <param name="args">The program's arguments: configuration such as <c>--AppProtocol:Clients:SearchClient:Port=65432</c>.</param>
    /// <param name="testServices">For the tests: more services (exporters) before the host is built.</param>
    /// <returns>A task that completes when the host has stopped.</returns>
    public static async Task RunAsync(string[] args, Action<IServiceCollection>? testServices = null)
    {
        // <readme:client-in-di>
        // dotnet add package AppProtocol.Hosting; dotnet add package Microsoft.Extensions.Hosting; dotnet add package OpenTelemetry.Extensions.Hosting
        // appsettings.json: {"AppProtocol": {"Clients": {"SearchClient": {"Host": "localhost", "Port": 65432, "RequestsAreIdempotent": true}}}}
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddFrameClient<SearchClient>(builder.Configuration.GetSection("AppProtocol:Clients:SearchClient"))
            .AddStandardRetry();                     // sends again only what is safe: not processed, or idempotent and lost
        builder.Services.AddHostedService<SearchWorker>();
        builder.Services.AddOpenTelemetry()          // client spans join the server's trace; add an exporter, e.g. .AddOtlpExporter()
            .WithTracing(tracing => tracing.AddSource(AppProtocolDiagnostics.ActivitySourceName))
            .WithMetrics(metrics => metrics.AddMeter(AppProtocolDiagnostics.MeterName));
        // </readme:client-in-di>
        testServices?.Invoke(builder.Services);

        // <readme:client-in-di>
        await builder.Build().RunAsync();
        // </readme:client-in-di>
    }
}

// <readme:client-in-di>
sealed class SearchClient(NamedFrameClient client)   // a typed client: transient, over its name's one FrameClient
{
    public async Task<string?> FindAsync(string value, CancellationToken cancellationToken) =>
        (await client.SendJsonAsync(new Search("search", value), WorkerJson.Default.Search, WorkerJson.Default.Reply, cancellationToken))?.Result;
}

sealed class SearchWorker(SearchClient search, ILogger<SearchWorker> logger, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Got result: {Result}", await search.FindAsync("morpheus", stoppingToken));
        lifetime.StopApplication();
    }
}

record Search(string Action, string Value);
record Reply(string Result);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Search))]
[JsonSerializable(typeof(Reply))]
partial class WorkerJson : JsonSerializerContext;
// </readme:client-in-di>
