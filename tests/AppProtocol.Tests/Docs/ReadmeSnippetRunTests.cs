using System.Diagnostics;
using System.Net;
using System.Text;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Hosting;
using AppProtocol.Tests.Diagnostics;
using AppProtocol.Tests.Support;
using AppProtocol.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AppProtocol.Tests.Docs;

/// <summary>
/// The README's snippets, run: the server on loopback port 0 in place of 65432, the client against it, the builder on
/// the in-memory transport, the framing over a pipe, the Generic Host configured from its arguments on port 0.
/// "Host on Kestrel" is only compiled: its ports are fixed inside the Kestrel configuration and it needs a certificate file.
/// </summary>
public class ReadmeSnippetRunTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_server_snippet_answers_the_client_snippet()
    {
        (string ContentType, string? Result) answers = default;
        bool stopped = false;

        await ReadmeSnippets.HostAServer.Snippet.RunAsync(ListenAddress.Tcp("127.0.0.1", 0), async server =>
        {
            var endPoint = Assert.IsType<IPEndPoint>(Assert.Single(server.EndPoints));
            Assert.NotEqual(0, endPoint.Port);
            answers = await ReadmeSnippets.UseTheClient.Snippet.RunAsync(endPoint);
            await server.StopAsync();
            stopped = true;
        }).WaitAsync(Patience);

        Assert.True(stopped);
        Assert.Equal((ContentTypes.Json, "ok"), answers);
    }

    [Fact]
    public async Task The_builder_snippet_answers_on_the_in_memory_transport()
    {
        Frame? reply = await ReadmeSnippets.ServerBuilder.Snippet.RunAsync().WaitAsync(Patience);

        Assert.NotNull(reply);
        Assert.Equal("binary/custom-server-binary-type", reply.Value.Header.ContentType);
        Assert.Equal("pong", Encoding.UTF8.GetString(reply.Value.Content));
    }

    [Fact]
    public async Task The_framing_snippet_reads_back_the_frames_it_wrote()
    {
        IReadOnlyList<Frame> kept = await ReadmeSnippets.FramingApi.Snippet.RunAsync().WaitAsync(Patience);

        Frame binary = Assert.Single(kept);
        Assert.Equal("binary/custom-client-binary-type", binary.Header.ContentType);
        Assert.Equal("foobar", Encoding.UTF8.GetString(binary.Content));
    }

    [Fact]
    public async Task The_generic_host_snippet_routes_its_actions_and_reports_healthy_on_port_0()
    {
        string[] args = ["--AppProtocol:Listen:0:Host=127.0.0.1", "--AppProtocol:Listen:0:Port=0"];
        FrameServerService? served = null;
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        int port = 0;

        await ReadmeSnippets.GenericHost.Snippet.RunAsync(args, async host =>
        {
            served = host.Services.GetRequiredService<FrameServerService>();
            var endPoint = Assert.IsType<IPEndPoint>(Assert.Single(served.EndPoints));
            Assert.NotEqual(0, endPoint.Port);
            port = endPoint.Port;
            await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = endPoint.Port });

            Assert.Equal("hello", await ResultAsync(client, "echo", "hello"));
            Assert.Equal("Follow the white rabbit. \U0001F430", await ResultAsync(client, "search", "morpheus"));
            Assert.Equal("No match for \"ring\".", await ResultAsync(client, "search", "ring"));
            var unknown = await Assert.ThrowsAsync<FrameErrorReplyException>(() => ResultAsync(client, "find", "ring"));
            Assert.Equal(FrameErrors.BadRequest, unknown.Code);
            HealthReport health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
            Assert.Equal(HealthStatus.Healthy, health.Status);
        }, services => services
            .ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans))
            .ConfigureOpenTelemetryMeterProvider(meters => meters.AddInMemoryExporter(metrics))).WaitAsync(Patience);

        Assert.Equal(FrameServerStatus.Stopped, served?.Status);

        // The host's own OpenTelemetry saw each exchange, as a server span joined to the client's span, and measured it.
        var exchanges = Exported.Mine(spans, a => a.Kind == ActivityKind.Server && a.GetTagItem("server.port") is int p && p == port);
        Assert.Equal(4, exchanges.Count);
        Assert.All(exchanges, exchange => Assert.Contains(Exported.Mine(spans, a => a.Kind == ActivityKind.Client), c => c.SpanId == exchange.ParentSpanId));
        Assert.NotEmpty(Exported.Points(metrics, "appprotocol.server.exchange.duration", port));
    }

    private static async Task<string?> ResultAsync(FrameClient client, string action, string value) =>
        (await client.SendJsonAsync(new SearchRequest(action, value), TestJsonContext.Default.SearchRequest, TestJsonContext.Default.SearchResponse))?.Result;
}
