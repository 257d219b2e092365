using System.Net;
using System.Net.Sockets;
using AppProtocol.Tests.Server;
using AppProtocol.Transport.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace AppProtocol.Tests.Hosting;

/// <summary>The server's health check: unhealthy until it listens, healthy while it does, degraded near its connection limit, unhealthy once stopped or when it failed to bind.</summary>
public class HealthCheckTests
{
    [Fact]
    public async Task Unhealthy_before_start_healthy_while_listening_unhealthy_once_stopped()
    {
        HostApplicationBuilder builder = TestHost.Builder(TestHost.Loopback);
        TestHost.AddServer(builder).Run(TestHost.Search);
        builder.Services.AddHealthChecks().AddAppProtocolServerCheck();
        using IHost host = builder.Build();
        HealthCheckService health = host.Services.GetRequiredService<HealthCheckService>();

        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync()).Status);
        await TestHost.StartAsync(host);
        HealthReport listening = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, listening.Status);
        Assert.StartsWith("Listening on 127.0.0.1:", listening.Entries["appprotocol"].Description, StringComparison.Ordinal);
        await host.StopAsync().WaitAsync(TestHost.Patience);
        HealthReport stopped = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, stopped.Status);
        Assert.Equal("The AppProtocol server is not listening (Stopped).", stopped.Entries["appprotocol"].Description);
    }

    [Fact]
    public async Task Degraded_from_the_given_share_of_the_connection_limit()
    {
        var transport = new InMemoryTransport();
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        HostApplicationBuilder builder = TestHost.Builder(("MaxConcurrentConnections", "2"));
        TestHost.AddServer(builder)
            .ListenOn(transport, transport.EndPoint)
            .Configure(o => o.ConnectionOpened = (_, _) => opened.TrySetResult())
            .Run(TestHost.Search);
        builder.Services.AddHealthChecks().AddAppProtocolServerCheck(degradedRatio: 0.5);
        using IHost host = builder.Build();
        HealthCheckService health = host.Services.GetRequiredService<HealthCheckService>();
        await TestHost.StartAsync(host);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);

        await using InMemoryServer.Client client = new(await transport.ConnectAsync());
        await opened.Task.WaitAsync(TestHost.Patience);

        HealthReport busy = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Degraded, busy.Status);
        Assert.Equal(1, busy.Entries["appprotocol"].Data["active_connections"]);
        await host.StopAsync().WaitAsync(TestHost.Patience);
    }

    [Fact]
    public async Task Unhealthy_with_the_exception_when_the_address_cannot_be_bound()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        int port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        HostApplicationBuilder builder = TestHost.Builder(("Listen:0:Host", "127.0.0.1"), ("Listen:0:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        TestHost.AddServer(builder).Run(TestHost.Search);
        builder.Services.AddHealthChecks().AddAppProtocolServerCheck(tags: ["ready"]);
        using IHost host = builder.Build();

        await Assert.ThrowsAsync<SocketException>(() => host.StartAsync().WaitAsync(TestHost.Patience));

        HealthReport report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        HealthReportEntry entry = report.Entries["appprotocol"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.IsType<SocketException>(entry.Exception);
        Assert.StartsWith("The AppProtocol server failed to start: ", entry.Description, StringComparison.Ordinal);
        Assert.Equal(["ready"], entry.Tags);
    }
}
