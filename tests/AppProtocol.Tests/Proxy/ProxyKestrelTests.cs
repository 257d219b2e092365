using System.Net;
using System.Net.Sockets;
using System.Text;
using AppProtocol.Proxy;
using AppProtocol.Tests.AspNetCore;
using AppProtocol.Tests.Server;
using AppProtocol.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using static AppProtocol.Fuzz.ProxyHeaderBuilder;

namespace AppProtocol.Tests.Proxy;

/// <summary>The PROXY protocol on Kestrel: <c>ListenOptions.UseProxyProtocol</c> before <c>UseHttps</c> and <c>UseAppProtocol</c>, and the middleware's own timer where there is no server heartbeat.</summary>
public class ProxyKestrelTests
{
    private static readonly IPEndPoint Client = new(IPAddress.Parse("203.0.113.7"), 51234);
    private static readonly IPEndPoint Frontend = new(IPAddress.Parse("198.51.100.1"), 443);
    private static readonly byte[] Request = Requests.Search("morpheus");

    [Fact]
    public async Task The_handler_and_the_callbacks_see_the_client_the_header_names()
    {
        var opened = new System.Collections.Concurrent.ConcurrentQueue<EndPoint?>();
        await using KestrelHost host = await KestrelHost.StartAsync(listen => listen.UseProxyProtocol().UseAppProtocol(ProxiedServer.AnswerWho, app => app.Options.ConnectionOpened = (_, remote) => opened.Enqueue(remote)));
        await using RawClient balancer = await RawClient.ConnectAsync(host.EndPoint);

        await balancer.SendAsync((byte[])[.. V2Tcp(Client, Frontend), .. Request]);

        Assert.Equal($"{Client} {Frontend} v2", ProxiedServer.Who((await balancer.ReadFrameAsync())!.Value));
        Assert.Equal($"{Client} {Frontend} v2", ProxiedServer.Who(await balancer.ExchangeAsync(Request)));
        Assert.Equal(new EndPoint?[] { Client }, opened);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Before_UseHttps_the_header_precedes_Kestrels_TLS(bool headerWithClientHello)
    {
        await using KestrelHost host = await KestrelHost.StartAsync(listen => listen.UseProxyProtocol().UseHttps(TestCertificates.Server).UseAppProtocol(ProxiedServer.AnswerWho));

        await using ProxiedTlsClient balancer = await ProxiedTlsClient.ConnectAsync(host.EndPoint, V1("PROXY TCP4 203.0.113.7 198.51.100.1 51234 443\r\n"), headerWithClientHello);

        Assert.StartsWith($"{Client} {Frontend} v1 Tls", ProxiedServer.Who(await balancer.ExchangeAsync(Request)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_untrusted_peer_is_refused_with_a_log_line()
    {
        var log = new LogSignal();
        await using KestrelHost host = await KestrelHost.StartAsync(listen => listen.UseProxyProtocol(o => o.AddTrustedProxy("10.0.0.0/8")).UseAppProtocol(ProxiedServer.AnswerWho), logs: log);
        await using RawClient balancer = await RawClient.ConnectAsync(host.EndPoint);

        await balancer.SendAsync((byte[])[.. V2Tcp(Client, Frontend), .. Request]);

        await balancer.AssertClosedByServerAsync();
        await log.WaitAsync("ProxyPeerNotTrusted");
    }

    [Fact]
    public async Task Without_a_server_heartbeat_the_header_timeout_is_a_timer_of_the_middlewares_clock()
    {
        var (log, clock) = (new LogSignal(), new ObservedTimeProvider());
        using var metrics = new MetricsRecorder();
        var options = new ProxyProtocolOptions { HeaderTimeout = TimeSpan.FromSeconds(3) };
        await using KestrelHost host = await KestrelHost.StartAsync(listen =>
        {
            listen.Use(next => new ProxyProtocolMiddleware(next, options, log, metrics.Factory, clock).OnConnectionAsync);
            listen.UseAppProtocol(ProxiedServer.AnswerWho);
        });
        await using RawClient silent = await RawClient.ConnectAsync(host.EndPoint);
        await silent.SendAsync(V1("PROXY TCP4 "));
        await clock.WaitArmedAsync(TimeSpan.FromSeconds(3));

        clock.Advance(TimeSpan.FromSeconds(3));

        await silent.AssertClosedByServerAsync();
        await log.WaitAsync("ProxyHeaderTimedOut");
        Assert.Equal(1, metrics.Sum("appprotocol.server.errors", "timeout"));
    }

    [Fact]
    public async Task An_HTTP_endpoint_sees_the_client_too()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions? endpoint = null;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => endpoint = listen.UseProxyProtocol()));
        await using WebApplication app = builder.Build();
        app.MapGet("/who", (HttpContext context) => $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}");
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(20));
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(endpoint!.IPEndPoint!);
            await using var stream = new NetworkStream(socket);
            await stream.WriteAsync(Encoding.ASCII.GetBytes("PROXY TCP4 203.0.113.7 198.51.100.1 51234 443\r\nGET /who HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));

            string response = await new StreamReader(stream).ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));

            Assert.Contains("\r\n203.0.113.7:51234\r\n", response, StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
