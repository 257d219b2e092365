using AppProtocol.Framing;
using AppProtocol.Server;
using AppProtocol.Tests.Server;
using AppProtocol.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace AppProtocol.Tests.AspNetCore;

/// <summary>AppProtocol on a Kestrel endpoint (UseAppProtocol): exchanges, pipelining, bad frames, handler faults, timeouts, HTTP beside it.</summary>
public sealed class UseAppProtocolTests
{
    [Fact]
    public async Task Serves_json_and_binary_requests()
    {
        await using KestrelHost host = await KestrelHost.StartAsync(l => l.UseAppProtocol(SearchHandler.Handler));
        await using RawClient client = await RawClient.ConnectAsync(host.EndPoint);

        Assert.Equal("Follow the white rabbit. \U0001F430", Requests.Result(await client.ExchangeAsync(Requests.Search("morpheus"))));
        Assert.Equal("0123456789abc", Requests.Text(await client.ExchangeAsync(Requests.Binary("0123456789abc"))));
    }

    [Fact]
    public async Task Streams_large_request_content_through_kestrels_transport()
    {
        byte[] large = StreamedRequests.RandomBytes(6 * 1024 * 1024);
        await using KestrelHost host = await KestrelHost.StartAsync(l => l.UseAppProtocol(StreamedRequests.HashHandler, b => b.Options.RequestStreamingThreshold = 64 * 1024));
        await using RawClient client = await RawClient.ConnectAsync(host.EndPoint);

        Assert.Equal(StreamedRequests.Expected(streamed: true, large), Requests.Text(await client.ExchangeAsync(Requests.Binary(large))));
        Assert.Equal(StreamedRequests.Expected(streamed: false, [1, 2, 3]), Requests.Text(await client.ExchangeAsync(Requests.Binary([1, 2, 3]))));
    }

    [Fact]
    public async Task Pipelined_requests_are_answered_in_order()
    {
        await using KestrelHost host = await KestrelHost.StartAsync(l => l.UseAppProtocol(SearchHandler.Handler));
        await using RawClient client = await RawClient.ConnectAsync(host.EndPoint);

        await client.SendAsync((byte[])[.. Requests.Search("morpheus"), .. Requests.Search("ring"), .. Requests.Search("nope")]);

        Assert.Equal("Follow the white rabbit. \U0001F430", Requests.Result((await client.ReadFrameAsync())!.Value));
        Assert.Equal("In the caves beneath the Misty Mountains. \U0001F48D", Requests.Result((await client.ReadFrameAsync())!.Value));
        Assert.Equal("No match for 'nope'.", Requests.Result((await client.ReadFrameAsync())!.Value));
    }

    [Fact]
    public async Task A_bad_frame_closes_only_its_connection()
    {
        await using KestrelHost host = await KestrelHost.StartAsync(l => l.UseAppProtocol(SearchHandler.Handler));
        await using RawClient bad = await RawClient.ConnectAsync(host.EndPoint);
        await using RawClient good = await RawClient.ConnectAsync(host.EndPoint);

        await bad.SendAsync(Requests.BadHeader());
        await bad.AssertClosedByServerAsync();

        Assert.Equal("No match for 'x'.", Requests.Result(await good.ExchangeAsync(Requests.Search("x"))));
    }

    [Fact]
    public async Task A_handler_exception_gets_the_server_error_reply()
    {
        await using KestrelHost host = await KestrelHost.StartAsync(l => l.UseAppProtocol((_, _) => throw new InvalidOperationException("boom")));
        await using RawClient client = await RawClient.ConnectAsync(host.EndPoint);

        Assert.Equal(FrameErrors.ServerError, Requests.Error(await client.ExchangeAsync(Requests.Binary("x"))));
        Assert.Equal(FrameErrors.ServerError, Requests.Error(await client.ExchangeAsync(Requests.Binary("y"))));
    }

    [Fact]
    public async Task The_idle_timeout_applies_and_logs_go_to_the_application_logger_factory()
    {
        var clock = new FakeTimeProvider();
        var log = new LogSignal();
        await using KestrelHost host = await KestrelHost.StartAsync(
            l => l.UseAppProtocol(SearchHandler.Handler, app =>
            {
                app.Options.TimeProvider = clock;
                app.Options.IdleTimeout = TimeSpan.FromSeconds(30);
                app.Options.FrameTimeout = TimeSpan.FromHours(1);
            }),
            logs: log);
        await using RawClient client = await RawClient.ConnectAsync(host.EndPoint);

        Assert.Equal("No match for 'a'.", Requests.Result(await client.ExchangeAsync(Requests.Search("a"))));
        await log.WaitAsync("WaitingForFrame", 2);
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("No match for 'b'.", Requests.Result(await client.ExchangeAsync(Requests.Search("b"))));
        await log.WaitAsync("WaitingForFrame", 3);
        clock.Advance(TimeSpan.FromSeconds(30));

        await client.AssertClosedByServerAsync();
    }

    [Fact]
    public async Task Kestrel_connection_limits_still_apply()
    {
        await using KestrelHost host = await KestrelHost.StartAsync(
            l => l.UseAppProtocol(SearchHandler.Handler),
            kestrelOptions: k => k.Limits.MaxConcurrentConnections = 1);
        await using RawClient first = await RawClient.ConnectAsync(host.EndPoint);
        Assert.Equal("No match for 'a'.", Requests.Result(await first.ExchangeAsync(Requests.Search("a"))));

        await using RawClient second = await RawClient.ConnectAsync(host.EndPoint);
        await second.AssertClosedByServerAsync();

        Assert.Equal("No match for 'b'.", Requests.Result(await first.ExchangeAsync(Requests.Search("b"))));
    }

    [Fact]
    public async Task HTTP_on_another_endpoint_of_the_same_application_still_works()
    {
        await using KestrelHost host = await KestrelHost.StartAsync(l => l.UseAppProtocol(SearchHandler.Handler), http: true);
        using var http = new HttpClient { BaseAddress = host.HttpBase, Timeout = TimeSpan.FromSeconds(10) };
        await using RawClient client = await RawClient.ConnectAsync(host.EndPoint);

        using HttpResponseMessage health = await http.GetAsync(new Uri("health", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        Assert.Equal("No match for 'x'.", Requests.Result(await client.ExchangeAsync(Requests.Search("x"))));
    }

    [Fact]
    public async Task Stopping_the_application_closes_idle_connections_and_lets_exchanges_in_flight_finish()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        FrameHandler slow = async (exchange, _) =>
        {
            entered.TrySetResult();
            await release.Task;
            exchange.Respond(FrameHeader.Binary("binary/test", 4), "done"u8);
        };
        await using KestrelHost host = await KestrelHost.StartAsync(l => l.UseAppProtocol(slow));
        await using RawClient idle = await RawClient.ConnectAsync(host.EndPoint);
        await using RawClient busy = await RawClient.ConnectAsync(host.EndPoint);
        await busy.SendAsync(Requests.Binary("x"));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.App.Lifetime.ApplicationStopping.Register(stopping.SetResult);
        Task stop = host.App.StopAsync();
        await stopping.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await idle.AssertClosedByServerAsync();
        release.SetResult();
        Assert.Equal("done", Requests.Text((await busy.ReadFrameAsync())!.Value));
        await busy.AssertClosedByServerAsync();
        await stop.WaitAsync(TimeSpan.FromSeconds(20));
    }
}
