using AppProtocol.Framing;
using AppProtocol.Tests.Support;
using Microsoft.Extensions.Logging;

namespace AppProtocol.Tests.Server;

/// <summary>What the server logs and counts for each kind of failure, on the in-memory transport.</summary>
public class LoggingTests
{
    [Fact]
    public async Task Bad_frame_invalid_content_and_handler_failure_are_each_logged_and_counted_by_their_cause()
    {
        var log = new LogSignal();
        using var metrics = new MetricsRecorder();
        await using InMemoryServer server = await InMemoryServer.StartAsync(
            (exchange, _) => Requests.Text(exchange.Request) == "x"
                ? throw new InvalidOperationException("handler broke")
                : SearchHandler.HandleAsync(exchange, default),
            b =>
            {
                b.LoggerFactory = log;
                b.Options.MeterFactory = metrics.Factory;
            });

        await using (InMemoryServer.Client bad = await server.ConnectAsync())
        {
            await bad.SendAsync(Requests.BadHeader());
            await log.WaitAsync("BadFrame");
        }

        await using InMemoryServer.Client client = await server.ConnectAsync();
        var invalid = new System.Buffers.ArrayBufferWriter<byte>();
        FrameWriter.Write(invalid, FrameHeader.Json(5), "{nope"u8);
        Assert.Equal(FrameErrors.BadRequest, Requests.Error(await client.ExchangeAsync(invalid.WrittenSpan.ToArray())));
        Assert.Equal(FrameErrors.ServerError, Requests.Error(await client.ExchangeAsync(Requests.Binary("x"))));

        var badFrame = log.Events.Single(e => e.Name == "BadFrame");
        Assert.Equal((LogLevel.Warning, ProtocolError.InvalidHeaderJson), (badFrame.Level, Assert.IsType<ProtocolException>(badFrame.Exception).Error));
        var badRequest = log.Events.Single(e => e.Name == "BadRequest");
        Assert.Equal((LogLevel.Warning, ProtocolError.InvalidContent), (badRequest.Level, Assert.IsType<ProtocolException>(badRequest.Exception).Error));
        var handlerFailed = log.Events.Single(e => e.Name == "HandlerFailed");
        Assert.Equal((LogLevel.Error, "handler broke"), (handlerFailed.Level, handlerFailed.Exception!.Message));
        Assert.Equal(1, metrics.Sum("appprotocol.server.errors", "InvalidHeaderJson"));
        Assert.Equal(1, metrics.Sum("appprotocol.server.errors", "InvalidContent"));
        Assert.Equal(1, metrics.Sum("appprotocol.server.errors", "handler"));
    }

    [Fact]
    public async Task Messages_about_a_connection_are_logged_in_a_scope_naming_it_and_its_peer()
    {
        var log = new LogSignal();
        await using InMemoryServer server = await InMemoryServer.StartAsync(SearchHandler.Handler, b => b.LoggerFactory = log);

        await using (InMemoryServer.Client bad = await server.ConnectAsync())
        {
            await bad.SendAsync(Requests.BadHeader());
            await log.WaitAsync("BadFrame");
        }

        var badFrame = log.Events.Single(e => e.Name == "BadFrame");
        Assert.Matches(@"^Connection \d+ from inmemory:client-\S+$", badFrame.Scope);
        Assert.Null(log.Events.Single(e => e.Name == "Listening").Scope);
    }
}
