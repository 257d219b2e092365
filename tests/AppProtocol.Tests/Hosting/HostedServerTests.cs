using AppProtocol.Framing;
using AppProtocol.Hosting;
using AppProtocol.Tests.Server;
using AppProtocol.Transport.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AppProtocol.Tests.Hosting;

/// <summary>The server as a hosted service of a Generic Host: configured from configuration, serving, stopping with the host.</summary>
public class HostedServerTests
{
    [Fact]
    public async Task A_host_configured_from_configuration_serves_a_real_exchange_on_port_0()
    {
        HostApplicationBuilder builder = TestHost.Builder([.. TestHost.Loopback, ("IdleTimeout", "00:00:30"), ("Limits:MaxContentLength", "4096")]);
        TestHost.AddServer(builder).Run(TestHost.Search);
        using IHost host = builder.Build();
        FrameServerService server = await TestHost.StartAsync(host);

        Assert.Equal(FrameServerStatus.Listening, server.Status);
        var endPoint = Assert.IsType<System.Net.IPEndPoint>(Assert.Single(server.EndPoints));
        Assert.NotEqual(0, endPoint.Port);
        var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AppProtocol.Server.FrameServerOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(30), options.IdleTimeout);
        Assert.Equal(4096, options.Limits.MaxContentLength);
        await using (RawClient client = await RawClient.ConnectAsync(endPoint))
        {
            Assert.Equal("Follow the white rabbit. \U0001F430", Requests.Result(await client.ExchangeAsync(Requests.Search("morpheus"))));
        }

        await host.StopAsync().WaitAsync(TestHost.Patience);
        Assert.Equal(FrameServerStatus.Stopped, server.Status);
    }

    [Fact]
    public async Task Stopping_the_host_lets_the_exchange_in_flight_finish_and_closes_idle_connections()
    {
        var transport = new InMemoryTransport();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        HostApplicationBuilder builder = TestHost.Builder();
        TestHost.AddServer(builder).ListenOn(transport, transport.EndPoint).Run(async (exchange, ct) =>
        {
            entered.TrySetResult();
            await release.Task;
            await TestHost.Search(exchange, ct);
        });
        using IHost host = builder.Build();
        FrameServerService server = await TestHost.StartAsync(host);
        await using InMemoryServer.Client busy = new(await transport.ConnectAsync());
        await using InMemoryServer.Client idle = new(await transport.ConnectAsync());
        await busy.SendAsync(Requests.Search("ring"));
        await entered.Task.WaitAsync(TestHost.Patience);

        Task stopping = host.StopAsync();

        await idle.AssertClosedByServerAsync();
        Assert.False(stopping.IsCompleted, "The host stopped while an exchange was in flight.");
        Assert.Equal(FrameServerStatus.Stopping, server.Status);
        release.SetResult();
        Frame? answer = await busy.ReadAsync();
        Assert.Equal("In the caves beneath the Misty Mountains. \U0001F48D", Requests.Result(answer!.Value));
        await stopping.WaitAsync(TestHost.Patience);
        Assert.Equal(FrameServerStatus.Stopped, server.Status);
        await Assert.ThrowsAsync<InvalidOperationException>(() => transport.ConnectAsync().AsTask());
    }

    [Fact]
    public async Task The_hosts_token_aborts_the_exchanges_left_when_its_shutdown_timeout_ends()
    {
        var transport = new InMemoryTransport();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        HostApplicationBuilder builder = TestHost.Builder();
        TestHost.AddServer(builder).ListenOn(transport, transport.EndPoint).Run(async (exchange, ct) =>
        {
            entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        });
        using IHost host = builder.Build();
        await TestHost.StartAsync(host);
        await using InMemoryServer.Client client = new(await transport.ConnectAsync());
        await client.SendAsync(Requests.Search("ring"));
        await entered.Task.WaitAsync(TestHost.Patience);

        // An already cancelled token: the host's shutdown timeout has ended.
        await host.StopAsync(new CancellationToken(canceled: true)).WaitAsync(TestHost.Patience);

        await client.AssertClosedByServerAsync();
    }

    [Fact]
    public async Task Calling_AddAppProtocolServer_twice_configures_one_server_bound_from_one_section()
    {
        HostApplicationBuilder builder = TestHost.Builder(TestHost.Loopback);
        TestHost.AddServer(builder);
        builder.Services.AddAppProtocolServer().Run(TestHost.Search);
        var twice = Assert.Throws<InvalidOperationException>(() => TestHost.AddServer(builder));
        Assert.StartsWith("AddAppProtocolServer was already given a configuration section", twice.Message, StringComparison.Ordinal);
        using IHost host = builder.Build();

        Assert.Single(host.Services.GetServices<IHostedService>().OfType<FrameServerService>());
        FrameServerService server = await TestHost.StartAsync(host);
        Assert.Single(server.EndPoints);
        await host.StopAsync().WaitAsync(TestHost.Patience);
    }
}
