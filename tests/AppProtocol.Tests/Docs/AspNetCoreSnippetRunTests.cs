using System.Diagnostics;
using System.Globalization;
using System.Net;
using AppProtocol.Tests.Diagnostics;
using AppProtocol.Tests.Server;
using AppProtocol.Tests.Support;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AppProtocol.Tests.Docs;

/// <summary>The README's ASP.NET Core snippet, run on port 0 against a server on port 0: an HTTP request, its AppProtocol call and the server's exchange in one trace.</summary>
public class AspNetCoreSnippetRunTests
{
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
