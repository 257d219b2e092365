using System.Net;
using System.Net.Sockets;
using AppProtocol.Tests.Support;
using AppProtocol.Transport;

namespace AppProtocol.Tests.Server;

public class ListenTests
{
    [Fact]
    public async Task Serves_IPv4_literal()
    {
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler, o => o.Listen.Add(ListenAddress.Tcp("127.0.0.1", 0)));
        Assert.Equal(AddressFamily.InterNetwork, server.EndPoint.AddressFamily);
        Assert.NotEqual(0, ((IPEndPoint)server.EndPoint).Port);

        await using RawClient client = await server.ConnectAsync();
        Assert.Equal("No match for 'x'.", Requests.Result(await client.ExchangeAsync(Requests.Search("x"))));
    }

    [IPv6Fact]
    public async Task Serves_IPv6_literal()
    {
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler, o => o.Listen.Add(ListenAddress.Tcp("::1", 0)));
        Assert.Equal(AddressFamily.InterNetworkV6, server.EndPoint.AddressFamily);

        await using RawClient client = await server.ConnectAsync();
        Assert.Equal("No match for 'x'.", Requests.Result(await client.ExchangeAsync(Requests.Search("x"))));
    }

    [Fact]
    public async Task Empty_host_serves_IPv4_clients_on_every_interface()
    {
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler, o => o.Listen.Add(ListenAddress.Tcp("", 0)));
        int port = ((IPEndPoint)server.EndPoint).Port;

        await using RawClient client = await RawClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        Assert.Equal("No match for 'x'.", Requests.Result(await client.ExchangeAsync(Requests.Search("x"))));
    }

    [IPv6Fact]
    public async Task Empty_host_serves_IPv6_clients_too()
    {
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler, o => o.Listen.Add(ListenAddress.Tcp("", 0)));
        int port = ((IPEndPoint)server.EndPoint).Port;

        await using RawClient client = await RawClient.ConnectAsync(new IPEndPoint(IPAddress.IPv6Loopback, port));
        Assert.Equal("No match for 'x'.", Requests.Result(await client.ExchangeAsync(Requests.Search("x"))));
    }

    [Fact]
    public async Task Host_name_is_resolved_and_bound()
    {
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler, o => o.Listen.Add(ListenAddress.Tcp("localhost", 0)));
        Assert.All(server.Server.EndPoints, e => Assert.True(IPAddress.IsLoopback(((IPEndPoint)e).Address)));

        await using RawClient client = await server.ConnectAsync();
        Assert.Equal("No match for 'x'.", Requests.Result(await client.ExchangeAsync(Requests.Search("x"))));
    }

    [Fact]
    public async Task Serves_Unix_domain_socket_and_removes_its_file_on_stop()
    {
        string path = Path.Combine(Path.GetTempPath(), $"appprotocol-{Guid.NewGuid():N}.sock");
        TestServer server = await TestServer.StartAsync(SearchHandler.Handler, o => o.Listen.Add(ListenAddress.Unix(path)));
        await using (server)
        {
            Assert.IsType<UnixDomainSocketEndPoint>(server.EndPoint);
            await using RawClient client = await server.ConnectAsync();
            Assert.Equal("No match for 'x'.", Requests.Result(await client.ExchangeAsync(Requests.Search("x"))));
        }

        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Failing_to_bind_leaves_nothing_bound()
    {
        await using TestServer first = await TestServer.StartAsync(SearchHandler.Handler);
        var options = new AppProtocol.Server.FrameServerOptions();
        options.Listen.Add(ListenAddress.Tcp("127.0.0.1", 0));
        options.Listen.Add(ListenAddress.Tcp("127.0.0.1", ((IPEndPoint)first.EndPoint).Port));
        await using var second = new AppProtocol.Server.FrameServer(options, (_, _) => ValueTask.CompletedTask);

        await Assert.ThrowsAsync<SocketException>(() => second.StartAsync());
        Assert.Empty(second.EndPoints);
    }
}
