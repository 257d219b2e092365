using System.Diagnostics;
using System.Globalization;
using System.Net;
using AppProtocol.Tests.Diagnostics;
using AppProtocol.Tests.Server;
using AppProtocol.Tests.Support;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AppProtocol.Tests.Docs;

/// <summary>The README's worker, console and ASP.NET Core client snippets, run against a server on port 0: each call is answered, traced across the wire and measured.</summary>
public class ClientSnippetRunTests
{
    [Fact]
    public async Task The_worker_snippet_asks_the_server_in_one_trace_and_measures_the_call()
    {
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler);
        int port = ((IPEndPoint)server.EndPoint).Port;
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        string[] args = ["--AppProtocol:Clients:SearchClient:Host=127.0.0.1", $"--AppProtocol:Clients:SearchClient:Port={port.ToString(CultureInfo.InvariantCulture)}"];

        await ReadmeSnippets.ClientInDI.Snippet.RunAsync(args, services => services
            .ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans))
            .ConfigureOpenTelemetryMeterProvider(meters => meters.AddInMemoryExporter(metrics))).WaitAsync(TimeSpan.FromSeconds(20));

        List<Activity> clients = Exported.Mine(spans, a => a.Kind == ActivityKind.Client && a.GetTagItem("server.port") is int p && p == port);
        Activity client = Assert.Single(clients);
        Activity answered = Assert.Single(Exported.Mine(spans, a => a.Kind == ActivityKind.Server && a.TraceId == client.TraceId));
        Assert.Equal(client.SpanId, answered.ParentSpanId);
        Assert.Equal(ActivityStatusCode.Unset, client.Status);
        MetricPoint duration = Assert.Single(Exported.Points(metrics, "appprotocol.client.request.duration", port));
        Assert.Equal(1, duration.GetHistogramCount());
    }

    [Fact]
    public async Task The_console_snippet_asks_the_server_in_one_trace_and_measures_the_call()
    {
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler);
        int port = ((IPEndPoint)server.EndPoint).Port;
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        string[] args = ["--AppProtocol:Clients:search:Host=127.0.0.1", $"--AppProtocol:Clients:search:Port={port.ToString(CultureInfo.InvariantCulture)}"];

        string? result = await ReadmeSnippets.ClientInConsole.Snippet.RunAsync(args, services => services
            .ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans))
            .ConfigureOpenTelemetryMeterProvider(meters => meters.AddInMemoryExporter(metrics))).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("Follow the white rabbit. \U0001F430", result);
        Activity client = Assert.Single(Exported.Mine(spans, a => a.Kind == ActivityKind.Client && a.GetTagItem("server.port") is int p && p == port));
        Activity answered = Assert.Single(Exported.Mine(spans, a => a.Kind == ActivityKind.Server && a.TraceId == client.TraceId));
        Assert.Equal(client.SpanId, answered.ParentSpanId);
        Assert.Equal(1, Assert.Single(Exported.Points(metrics, "appprotocol.client.request.duration", port)).GetHistogramCount());
    }

    [Fact]
    public async Task The_web_snippet_answers_over_http_from_the_server_in_one_trace()
    {
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler);
        int port = ((IPEndPoint)server.EndPoint).Port;
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        string[] args = ["--urls=http://127.0.0.1:0", "--AppProtocol:Clients:search:Host=127.0.0.1", $"--AppProtocol:Clients:search:Port={port.ToString(CultureInfo.InvariantCulture)}"];
        string? body = null;

        await ReadmeSnippets.ClientInAspNetCore.Snippet.RunAsync(
            args,
            services => services
                .ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans))
                .ConfigureOpenTelemetryMeterProvider(meters => meters.AddInMemoryExporter(metrics)),
            async app =>
            {
                using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
                body = await http.GetStringAsync(new Uri("/search/ring", UriKind.Relative));
            }).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("In the caves beneath the Misty Mountains. \U0001F48D", body);
        Activity client = Assert.Single(Exported.Mine(spans, a => a.Kind == ActivityKind.Client && a.GetTagItem("server.port") is int p && p == port));
        Activity request = Assert.Single(Exported.Mine(spans, a => a.Kind == ActivityKind.Server && a.SpanId == client.ParentSpanId));
        Activity answered = Assert.Single(Exported.Mine(spans, a => a.Kind == ActivityKind.Server && a.ParentSpanId == client.SpanId));
        Assert.Equal(request.TraceId, answered.TraceId);
        Assert.Equal("Microsoft.AspNetCore", request.Source.Name);
        Assert.Single(Exported.Points(metrics, "appprotocol.client.request.duration", port));
    }
}
