// <readme:aspnetcore-client>
using System.Text.Json.Serialization;
using AppProtocol.Diagnostics;
using AppProtocol.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
// </readme:aspnetcore-client>

namespace ReadmeSnippets.ClientInAspNetCore;

/// <summary>The README's ASP.NET Core front end: an HTTP endpoint that asks an AppProtocol server through a named client, traced end to end.</summary>
public static class Snippet
{
    /// <summary>Runs the README's program.</summary>
    /// <param name="args">The program's arguments: <c>--urls</c> and configuration such as <c>--AppProtocol:Clients:search:Port=65432</c>.</param>
    /// <param name="testServices">For the tests: more services (exporters) before the application is built.</param>
    /// <param name="whileRunning">For the tests: starts the application, runs this, then stops it.</param>
    /// <returns>A task that completes when the application has stopped.</returns>
    public static async Task RunAsync(string[] args, Action<IServiceCollection>? testServices = null, Func<WebApplication, Task>? whileRunning = null)
    {
        // <readme:aspnetcore-client>
        // dotnet new web; dotnet add package AppProtocol.Hosting; dotnet add package OpenTelemetry.Extensions.Hosting
        // appsettings.json: {"AppProtocol": {"Clients": {"search": {"Host": "localhost", "Port": 65432}}}}
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Services.AddFrameClient("search", builder.Configuration.GetSection("AppProtocol:Clients:search"))
            .AddStandardRetry();
        builder.Services.AddOpenTelemetry()          // one trace: the HTTP request, its AppProtocol call, the server's exchange
            .WithTracing(tracing => tracing.AddSource("Microsoft.AspNetCore", AppProtocolDiagnostics.ActivitySourceName))
            .WithMetrics(metrics => metrics.AddMeter(AppProtocolDiagnostics.MeterName));
        // </readme:aspnetcore-client>
        testServices?.Invoke(builder.Services);

        // <readme:aspnetcore-client>
        var app = builder.Build();
        app.MapGet("/search/{value}", async (string value, IFrameClientFactory clients, CancellationToken cancellationToken) =>
            (await clients.CreateClient("search").SendJsonAsync(new Search("search", value), WebJson.Default.Search, WebJson.Default.Reply, cancellationToken))?.Result);
        // </readme:aspnetcore-client>
        if (whileRunning is not null)
        {
            await app.StartAsync();
            try
            {
                await whileRunning(app);
            }
            finally
            {
                await app.StopAsync();
                await app.DisposeAsync();   // as RunAsync does: the meter provider exports what it holds
            }

            return;
        }

        // <readme:aspnetcore-client>
        await app.RunAsync();
        // </readme:aspnetcore-client>
    }
}

// <readme:aspnetcore-client>
record Search(string Action, string Value);
record Reply(string Result);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Search))]
[JsonSerializable(typeof(Reply))]
partial class WebJson : JsonSerializerContext;
// </readme:aspnetcore-client>
