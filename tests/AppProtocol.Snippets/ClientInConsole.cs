// <readme:console-client>
using System.Text.Json.Serialization;
using AppProtocol.Diagnostics;
using AppProtocol.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
// </readme:console-client>

namespace ReadmeSnippets.ClientInConsole;

/// <summary>The README's console program: a named client from command-line configuration, with logs, metrics and traces, no host.</summary>
public static class Snippet
{
    /// <summary>Runs the README's program.</summary>
    /// <param name="args">The program's arguments: configuration such as <c>--AppProtocol:Clients:search:Port=65432</c>.</param>
    /// <param name="testServices">For the tests: more services (exporters) before the provider is built.</param>
    /// <returns>The answer's result.</returns>
    public static async Task<string?> RunAsync(string[] args, Action<IServiceCollection>? testServices = null)
    {
        // <readme:console-client>
        // dotnet new console; dotnet add package AppProtocol.Hosting; dotnet add package OpenTelemetry.Extensions.Hosting
        // dotnet add package Microsoft.Extensions.Configuration.CommandLine; dotnet add package Microsoft.Extensions.Logging.Console
        // dotnet run -- --AppProtocol:Clients:search:Host=localhost --AppProtocol:Clients:search:Port=65432
        IConfiguration configuration = new ConfigurationBuilder().AddCommandLine(args).Build();
        var services = new ServiceCollection().AddLogging(logging => logging.AddConsole());
        services.AddFrameClient("search", configuration.GetSection("AppProtocol:Clients:search")).AddStandardRetry();
        services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(AppProtocolDiagnostics.ActivitySourceName))
            .WithMetrics(metrics => metrics.AddMeter(AppProtocolDiagnostics.MeterName));
        // </readme:console-client>
        testServices?.Invoke(services);

        // <readme:console-client>
        await using ServiceProvider provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<TracerProvider>();          // without a host, OpenTelemetry starts when resolved
        _ = provider.GetRequiredService<MeterProvider>();
        NamedFrameClient client = provider.GetRequiredService<IFrameClientFactory>().CreateClient("search");
        Reply? answer = await client.SendJsonAsync(new Search("search", "morpheus"), ConsoleJson.Default.Search, ConsoleJson.Default.Reply);
        provider.GetRequiredService<ILogger<Reply>>().LogInformation("Got result: {Result}", answer?.Result);
        // </readme:console-client>
        return answer?.Result;
    }
}

// <readme:console-client>
record Search(string Action, string Value);
record Reply(string Result);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Search))]
[JsonSerializable(typeof(Reply))]
partial class ConsoleJson : JsonSerializerContext;
// </readme:console-client>
