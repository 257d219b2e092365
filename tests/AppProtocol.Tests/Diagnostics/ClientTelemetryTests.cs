using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using AppProtocol.Client;
using AppProtocol.Diagnostics;
using AppProtocol.Framing;
using AppProtocol.Tests.Server;
using AppProtocol.Tests.Support;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AppProtocol.Tests.Diagnostics;

/// <summary>The client's spans and metrics as OpenTelemetry exports them, end to end with the server's on real sockets.</summary>
/// <remarks>Listeners are process-wide and other tests run in parallel: each test picks its own items by trace id or port.</remarks>
public sealed class ClientTelemetryTests
{
    private static readonly ActivitySource Caller = new("AppProtocol.Tests.Caller");

    [Fact]
    public async Task Client_and_server_spans_join_one_trace_across_the_wire()
    {
        var spans = new List<Activity>();
        using TracerProvider tracing = Sdk.CreateTracerProviderBuilder().AddSource(AppProtocolDiagnostics.ActivitySourceName, Caller.Name).AddInMemoryExporter(spans).Build()!;
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler);
        int port = ((IPEndPoint)server.EndPoint).Port;
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = port });

        ActivityTraceId trace;
        using (Activity outer = Caller.StartActivity("caller")!)
        {
            outer.TraceStateString = "vendor=\"1\"";
            trace = outer.TraceId;
            SearchResponse? answer = await client.SendJsonAsync(new SearchRequest("search", "morpheus"), TestJsonContext.Default.SearchRequest, TestJsonContext.Default.SearchResponse);
            Assert.Equal("Follow the white rabbit. \U0001F430", answer?.Result);
        }

        tracing.ForceFlush();
        List<Activity> mine = Exported.Mine(spans, a => a.TraceId == trace);
        Activity caller = Assert.Single(mine, a => a.Source == Caller);
        Activity clientSpan = Assert.Single(mine, a => a.Kind == ActivityKind.Client);
        Activity serverSpan = Assert.Single(mine, a => a.Kind == ActivityKind.Server);
        Assert.Equal(caller.SpanId, clientSpan.ParentSpanId);
        Assert.Equal(clientSpan.SpanId, serverSpan.ParentSpanId);
        Assert.Equal("vendor=\"1\"", serverSpan.TraceStateString);
        Assert.Equal(AppProtocolDiagnostics.ExchangeActivityName, clientSpan.DisplayName);
        Assert.Equal("tcp", clientSpan.GetTagItem("network.transport"));
        Assert.Equal("127.0.0.1", clientSpan.GetTagItem("server.address"));
        Assert.Equal(port, clientSpan.GetTagItem("server.port"));
        Assert.Equal(ActivityStatusCode.Unset, clientSpan.Status);
    }

    [Fact]
    public async Task A_client_of_several_servers_is_observed_per_server_one_span_per_call_and_no_gauge_without_a_server()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using TracerProvider tracing = Sdk.CreateTracerProviderBuilder().AddSource(AppProtocolDiagnostics.ActivitySourceName, Caller.Name).AddInMemoryExporter(spans).Build()!;
        using MeterProvider meters = Sdk.CreateMeterProviderBuilder().AddMeter(AppProtocolDiagnostics.MeterName).AddInMemoryExporter(metrics).Build()!;
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler);
        int port = ((IPEndPoint)server.EndPoint).Port;
        await using var client = new FrameClient(new FrameClientOptions { Servers = [new DnsEndPoint("127.0.0.1", port)] });

        ActivityTraceId trace;
        using (Activity outer = Caller.StartActivity("caller")!)
        {
            trace = outer.TraceId;
            await client.SendJsonAsync(new SearchRequest("search", "morpheus"), TestJsonContext.Default.SearchRequest, TestJsonContext.Default.SearchResponse);
        }

        tracing.ForceFlush();
        List<Activity> mine = Exported.Mine(spans, a => a.TraceId == trace);
        Activity clientSpan = Assert.Single(mine, a => a.Kind == ActivityKind.Client);
        Assert.Equal("127.0.0.1", clientSpan.GetTagItem("server.address"));
        Assert.Equal(port, clientSpan.GetTagItem("server.port"));
        Assert.Equal(clientSpan.SpanId, Assert.Single(mine, a => a.Kind == ActivityKind.Server).ParentSpanId);

        // The connections are the per-server client's; the client of several servers reports no target of its own.
        meters.ForceFlush();
        Assert.Equal(1, Assert.Single(Exported.Points(metrics, "appprotocol.client.open_connections", port)).GetSumLong());
        Assert.Equal(0, NoServerPoints(metrics, "appprotocol.client.open_connections"));
    }

    private static int NoServerPoints(List<Metric> metrics, string name)
    {
        int count = 0;
        foreach (Metric metric in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly MetricPoint point in metric.GetMetricPoints())
            {
                count += Exported.Tag(point, "server.address") is null or "" ? 1 : 0;
            }
        }

        return count;
    }

    [Fact]
    public async Task A_failed_call_marks_its_span_and_is_counted_by_error_type()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using TracerProvider tracing = Sdk.CreateTracerProviderBuilder().AddSource(AppProtocolDiagnostics.ActivitySourceName).AddInMemoryExporter(spans).Build()!;
        using MeterProvider meters = Sdk.CreateMeterProviderBuilder().AddMeter(AppProtocolDiagnostics.MeterName).AddInMemoryExporter(metrics).Build()!;
        await using TestServer server = await TestServer.StartAsync((exchange, _) =>
        {
            exchange.RespondError(FrameErrors.BadRequest, "no such action");
            return ValueTask.CompletedTask;
        });
        int port = ((IPEndPoint)server.EndPoint).Port;
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = port });

        await Assert.ThrowsAsync<FrameErrorReplyException>(async () => await client.SendJsonAsync(new SearchRequest("find", "x"), TestJsonContext.Default.SearchRequest));

        tracing.ForceFlush();
        Activity span = Assert.Single(Exported.Mine(spans, a => a.Kind == ActivityKind.Client && a.GetTagItem("server.port") is int p && p == port));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(FrameErrors.BadRequest, span.GetTagItem("error.type"));
        meters.ForceFlush();
        MetricPoint errors = Assert.Single(Exported.Points(metrics, "appprotocol.client.errors", port));
        Assert.Equal(1, errors.GetSumLong());
        Assert.Equal(FrameErrors.BadRequest, Exported.Tag(errors, "error.type"));
        MetricPoint duration = Assert.Single(Exported.Points(metrics, "appprotocol.client.request.duration", port));
        Assert.Equal(FrameErrors.BadRequest, Exported.Tag(duration, "error.type"));
    }

    [Fact]
    public async Task Client_metrics_carry_the_server_and_count_requests_and_connections()
    {
        var metrics = new List<Metric>();
        using MeterProvider meters = Sdk.CreateMeterProviderBuilder().AddMeter(AppProtocolDiagnostics.MeterName).AddInMemoryExporter(metrics).Build()!;
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler);
        int port = ((IPEndPoint)server.EndPoint).Port;
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = port });

        await client.SendJsonAsync(new SearchRequest("search", "ring"), TestJsonContext.Default.SearchRequest);
        await client.SendJsonAsync(new SearchRequest("search", "morpheus"), TestJsonContext.Default.SearchRequest);

        meters.ForceFlush();
        MetricPoint duration = Assert.Single(Exported.Points(metrics, "appprotocol.client.request.duration", port));
        Assert.Equal(2, duration.GetHistogramCount());
        Assert.Equal("tcp", Exported.Tag(duration, "network.transport"));
        Assert.Equal("127.0.0.1", Exported.Tag(duration, "server.address"));
        Assert.Null(Exported.Tag(duration, "error.type"));
        Assert.Equal(0.0001, First(duration.GetHistogramBuckets()));
        Assert.Equal(0, Assert.Single(Exported.Points(metrics, "appprotocol.client.active_requests", port)).GetSumLong());
        Assert.Equal(1, Assert.Single(Exported.Points(metrics, "appprotocol.client.open_connections", port)).GetSumLong());
    }

    [Fact]
    public void Trace_context_goes_last_in_the_header_and_the_content_is_kept()
    {
        using var activity = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();
        activity.TraceStateString = "a=\"b\\c\"";

        Frame frame = Parse(ClientTracing.Inject(Encode(Frame.Binary("binary/x", "content"u8.ToArray())), activity));

        Assert.Equal(activity.Id, Member(frame, "traceparent"));
        Assert.Equal("a=\"b\\c\"", Member(frame, "tracestate"));
        Assert.Equal("content"u8.ToArray(), frame.Content.ToArray());
        Assert.Equal("binary/x", frame.Header.ContentType);
    }

    [Fact]
    public void A_header_with_its_own_traceparent_is_sent_unchanged()
    {
        using var activity = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();
        var members = new Dictionary<string, JsonElement> { ["traceparent"] = JsonSerializer.SerializeToElement("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", TestJsonContext.Default.String) };
        Frame own = Frame.Binary("binary/x", "c"u8.ToArray());
        ReadOnlyMemory<byte> encoded = Encode(new Frame(own.Header with { ExtraMembers = members }, own.Content));

        Assert.True(ClientTracing.Inject(encoded, activity).Equals(encoded));
    }

    private static ReadOnlyMemory<byte> Encode(Frame frame)
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.Write(output, frame);
        return output.WrittenMemory;
    }

    private static Frame Parse(ReadOnlyMemory<byte> bytes)
    {
        var sequence = new ReadOnlySequence<byte>(bytes);
        Assert.True(new FrameParser().TryParse(ref sequence, out Frame frame));
        Assert.Equal(0, sequence.Length);
        return frame.Clone();
    }

    private static string? Member(Frame frame, string name) => frame.Header.ExtraMembers![name].GetString();

    private static double First(HistogramBuckets buckets)
    {
        foreach (HistogramBucket bucket in buckets)
        {
            return bucket.ExplicitBound;
        }

        return double.NaN;
    }
}
