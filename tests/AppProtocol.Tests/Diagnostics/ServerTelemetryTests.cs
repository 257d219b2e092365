using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using AppProtocol.Diagnostics;
using AppProtocol.Framing;
using AppProtocol.Tests.Server;
using AppProtocol.Tests.Support;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AppProtocol.Tests.Diagnostics;

/// <summary>The server's spans and metrics as OpenTelemetry exports them (its in-memory exporter), on real sockets.</summary>
/// <remarks>Listeners are process-wide and other tests run in parallel: each test picks its own items by trace id or port.</remarks>
public sealed class ServerTelemetryTests
{
    [Fact]
    public async Task An_exchange_is_a_server_span_with_network_attributes()
    {
        var spans = new List<Activity>();
        using TracerProvider tracing = Sdk.CreateTracerProviderBuilder().AddSource(AppProtocolDiagnostics.ActivitySourceName).AddInMemoryExporter(spans).Build()!;
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler);
        int port = ((IPEndPoint)server.EndPoint).Port;

        await using (RawClient client = await server.ConnectAsync())
        {
            Assert.Equal("Follow the white rabbit. \U0001F430", Requests.Result(await client.ExchangeAsync(Requests.Search("morpheus"))));
        }

        tracing.ForceFlush();
        Activity span = Assert.Single(Exported.Mine(spans, a => a.GetTagItem("server.port") is int p && p == port));
        Assert.Equal(ActivityKind.Server, span.Kind);
        Assert.Equal(AppProtocolDiagnostics.ExchangeActivityName, span.DisplayName);
        Assert.Equal("tcp", span.GetTagItem("network.transport"));
        Assert.Equal("127.0.0.1", span.GetTagItem("server.address"));
        Assert.Equal("127.0.0.1", span.GetTagItem("network.peer.address"));
        Assert.Equal("appprotocol", span.GetTagItem("network.protocol.name"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Equal(default, span.ParentSpanId);
    }

    [Fact]
    public async Task A_traceparent_in_the_header_makes_the_server_span_a_child_of_the_clients()
    {
        var spans = new List<Activity>();
        using TracerProvider tracing = Sdk.CreateTracerProviderBuilder().AddSource(AppProtocolDiagnostics.ActivitySourceName).AddInMemoryExporter(spans).Build()!;
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler);
        ActivityTraceId trace = ActivityTraceId.CreateRandom();
        ActivitySpanId parent = ActivitySpanId.CreateRandom();

        await using (RawClient client = await server.ConnectAsync())
        {
            Frame answer = await client.ExchangeAsync(WithTraceContext(Requests.Search("ring"), $"00-{trace}-{parent}-01", "vendor=1"));
            Assert.Equal("In the caves beneath the Misty Mountains. \U0001F48D", Requests.Result(answer));
        }

        tracing.ForceFlush();
        Activity span = Assert.Single(Exported.Mine(spans, a => a.TraceId == trace));
        Assert.Equal(parent, span.ParentSpanId);
        Assert.Equal("vendor=1", span.TraceStateString);
    }

    [Fact]
    public async Task A_failing_handler_marks_its_span_and_its_duration_with_the_error_type()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using TracerProvider tracing = Sdk.CreateTracerProviderBuilder().AddSource(AppProtocolDiagnostics.ActivitySourceName).AddInMemoryExporter(spans).Build()!;
        using MeterProvider meters = Sdk.CreateMeterProviderBuilder().AddMeter(AppProtocolDiagnostics.MeterName).AddInMemoryExporter(metrics).Build()!;
        await using TestServer server = await TestServer.StartAsync((_, _) => throw new InvalidOperationException("broken"));
        int port = ((IPEndPoint)server.EndPoint).Port;

        await using (RawClient client = await server.ConnectAsync())
        {
            Assert.Equal(FrameErrors.ServerError, Requests.Error(await client.ExchangeAsync(Requests.Search("morpheus"))));
        }

        tracing.ForceFlush();
        Activity span = Assert.Single(Exported.Mine(spans, a => a.GetTagItem("server.port") is int p && p == port));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(typeof(InvalidOperationException).FullName, span.GetTagItem("error.type"));

        meters.ForceFlush();
        MetricPoint duration = Assert.Single(Exported.Points(metrics, "appprotocol.server.exchange.duration", port));
        Assert.Equal("handler", Exported.Tag(duration, "error.type"));
        Assert.Equal(1, duration.GetHistogramCount());
    }

    [Fact]
    public async Task Server_metrics_carry_the_listen_address_and_durations_use_sub_millisecond_buckets()
    {
        var metrics = new List<Metric>();
        using MeterProvider meters = Sdk.CreateMeterProviderBuilder().AddMeter(AppProtocolDiagnostics.MeterName).AddInMemoryExporter(metrics).Build()!;
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler);
        int port = ((IPEndPoint)server.EndPoint).Port;

        await using (RawClient client = await server.ConnectAsync())
        {
            await client.ExchangeAsync(Requests.Search("morpheus"));
            await client.ExchangeAsync(Requests.Search("ring"));
        }

        meters.ForceFlush();
        MetricPoint frames = Assert.Single(Exported.Points(metrics, "appprotocol.server.frames_received", port));
        Assert.Equal(2, frames.GetSumLong());
        Assert.Equal("tcp", Exported.Tag(frames, "network.transport"));
        Assert.Equal("127.0.0.1", Exported.Tag(frames, "server.address"));

        MetricPoint duration = Assert.Single(Exported.Points(metrics, "appprotocol.server.exchange.duration", port));
        Assert.Equal(2, duration.GetHistogramCount());
        var bounds = new List<double>();
        foreach (HistogramBucket bucket in duration.GetHistogramBuckets())
        {
            bounds.Add(bucket.ExplicitBound);
        }

        Assert.Equal(0.0001, bounds[0]);
        Assert.Contains(0.001, bounds);
        Assert.Null(Exported.Tag(duration, "error.type"));
    }

    // The same request with W3C trace context in its header's extra members, as a client of another library would send it.
    private static byte[] WithTraceContext(byte[] request, string traceParent, string traceState)
    {
        var reader = new FrameParser();
        var bytes = new ReadOnlySequence<byte>(request);
        Assert.True(reader.TryParse(ref bytes, out Frame frame));
        var members = new Dictionary<string, JsonElement>
        {
            ["traceparent"] = JsonSerializer.SerializeToElement(traceParent, TestJsonContext.Default.String),
            ["tracestate"] = JsonSerializer.SerializeToElement(traceState, TestJsonContext.Default.String),
        };
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.Write(output, new Frame(frame.Header with { ExtraMembers = members }, frame.Content));
        return output.WrittenSpan.ToArray();
    }
}
