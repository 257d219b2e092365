using System.Net;
using System.Text;
using AppProtocol.Client;
using AppProtocol.Client.Balancing;
using AppProtocol.Framing;
using AppProtocol.Server;
using AppProtocol.Transport;

namespace AppProtocol.Tests.Client;

/// <summary>A client given several servers (<see cref="FrameClientOptions.Servers"/>): calls spread over them, a stopped
/// one is left out without failing a call, and it gets calls again once it is back.</summary>
public sealed class FrameClientBalancingTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Round_robin_spreads_calls_evenly_over_the_servers()
    {
        await using NamedServer a = await NamedServer.StartAsync("a", 0);
        await using NamedServer b = await NamedServer.StartAsync("b", 0);
        await using NamedServer c = await NamedServer.StartAsync("c", 0);
        await using var client = new FrameClient(Options([a, b, c], FrameLoadBalancing.RoundRobin));

        var answers = new List<string>();
        for (int i = 0; i < 30; i++)
        {
            answers.Add(await AskAsync(client));
        }

        Assert.Equal(10, answers.Count(x => x == "a"));
        Assert.Equal(10, answers.Count(x => x == "b"));
        Assert.Equal(10, answers.Count(x => x == "c"));
    }

    [Fact]
    public async Task Least_outstanding_sends_past_a_server_busy_with_a_slow_call()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using NamedServer slow = await NamedServer.StartAsync("slow", 0, release.Task);
        await using NamedServer fast = await NamedServer.StartAsync("fast", 0);
        await using var client = new FrameClient(Options([slow, fast], FrameLoadBalancing.LeastOutstanding));

        // Whichever server the first call lands on, later calls go to the one with nothing in progress.
        Task<string> first = AskAsync(client);
        var later = new List<string>();
        for (int i = 0; i < 5 && !first.IsCompleted; i++)
        {
            later.Add(await AskAsync(client));
        }

        release.SetResult();
        string firstAnswer = await first.WaitAsync(Patience);
        Assert.Equal("slow", firstAnswer);
        Assert.All(later, answer => Assert.Equal("fast", answer));
    }

    [Fact]
    public async Task A_stopped_server_is_left_out_without_a_failed_call_and_gets_calls_again_once_back()
    {
        await using NamedServer a = await NamedServer.StartAsync("a", 0);
        NamedServer b = await NamedServer.StartAsync("b", 0);
        int bPort = b.Port;
        await using var client = new FrameClient(Options([a, b], FrameLoadBalancing.RoundRobin, TimeSpan.FromMilliseconds(100)));
        Assert.Equal(["a", "b"], [await AskAsync(client), await AskAsync(client)]);

        await b.DisposeAsync();
        var whileDown = new List<string>();
        for (int i = 0; i < 10; i++)
        {
            // A refused connection was never processed: the call goes to the other server.
            whileDown.Add(await AskAsync(client));
        }

        Assert.All(whileDown, answer => Assert.Equal("a", answer));

        await using NamedServer again = await NamedServer.StartAsync("b again", bPort);
        // Back after its back-off (100 ms, doubled per failure in a row): every call meanwhile goes to a and succeeds.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!again.Answered.IsCompleted && watch.Elapsed < Patience)
        {
            Assert.Contains(await AskAsync(client), new[] { "a", "b again" });
        }

        Assert.True(again.Answered.IsCompleted, "The restarted server got no call.");
    }

    [Fact]
    public async Task When_every_server_is_down_the_call_fails_naming_a_server()
    {
        NamedServer a = await NamedServer.StartAsync("a", 0);
        await a.DisposeAsync();
        await using var client = new FrameClient(Options([a, a], FrameLoadBalancing.RoundRobin));

        var failure = await Assert.ThrowsAsync<FrameClientException>(() => AskAsync(client));

        Assert.Contains($"127.0.0.1 port {a.Port}", failure.Message, StringComparison.Ordinal);
        Assert.True(failure.RequestNotProcessed);
    }

    [Fact]
    public async Task A_name_stands_for_a_server_per_address_it_resolves_to_each_checked_against_the_name()
    {
        IPAddress[] addresses = await Dns.GetHostAddressesAsync("localhost");
        var options = new FrameClientOptions { Servers = [new DnsEndPoint("localhost", 5000), new DnsEndPoint("127.0.0.1", 5001)] };

        BalancedServer[] servers = await ServerAddresses.ResolveAsync(options, CancellationToken.None);

        Assert.Equal(addresses.Length + 1, servers.Length);
        Assert.Equal(addresses.Select(a => a.ToString()), servers.Take(addresses.Length).Select(s => s.Client.Options.Host));
        Assert.All(servers.Take(addresses.Length), s => Assert.Equal("localhost", s.Client.Options.TargetHost));
        Assert.Null(servers[^1].Client.Options.TargetHost);
        Assert.Equal(5001, servers[^1].Client.Options.Port);
        foreach (BalancedServer server in servers)
        {
            await server.Client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Calls_to_a_name_reach_the_server_on_one_of_its_addresses_and_an_unknown_name_fails_unprocessed()
    {
        await using NamedServer a = await NamedServer.StartAsync("a", 0);
        await using var client = new FrameClient(new FrameClientOptions { Servers = [new DnsEndPoint("localhost", a.Port)], RequestTimeout = Patience });
        await using var unknown = new FrameClient(new FrameClientOptions { Servers = [new DnsEndPoint("no-such-host.invalid", a.Port)], RequestTimeout = Patience });

        for (int i = 0; i < 5; i++)
        {
            // Where localhost is also ::1 and nothing listens there, that server is left out and the call goes on.
            Assert.Equal("a", await AskAsync(client));
        }

        var failure = await Assert.ThrowsAsync<FrameClientException>(() => AskAsync(unknown));
        Assert.Contains("no-such-host.invalid", failure.Message, StringComparison.Ordinal);
        Assert.True(failure.RequestNotProcessed);
    }

    [Fact]
    public void Servers_and_backoff_are_checked_when_set()
    {
        Assert.Equal("Servers", Assert.Throws<ArgumentException>(() => new FrameClientOptions { Servers = [new DnsEndPoint("x", 0)] }).ParamName);
        Assert.Equal("ServerBackoff", Assert.Throws<ArgumentOutOfRangeException>(() => new FrameClientOptions { ServerBackoff = TimeSpan.Zero }).ParamName);
        Assert.Equal("ServerBackoff", Assert.Throws<ArgumentOutOfRangeException>(() => new FrameClientOptions { ServerBackoff = TimeSpan.FromMinutes(1) }).ParamName);
        Assert.Equal("LoadBalancing", Assert.Throws<ArgumentOutOfRangeException>(() => new FrameClientOptions { LoadBalancing = (FrameLoadBalancing)7 }).ParamName);
        Assert.Equal(FrameLoadBalancing.LeastOutstanding, new FrameClientOptions().LoadBalancing);
    }

    private static FrameClientOptions Options(NamedServer[] servers, FrameLoadBalancing policy, TimeSpan? backoff = null) => new()
    {
        ServerBackoff = backoff ?? TimeSpan.FromSeconds(1),
        Servers = [.. servers.Select(s => new DnsEndPoint("127.0.0.1", s.Port))],
        LoadBalancing = policy,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        RequestTimeout = Patience,
    };

    private static async Task<string> AskAsync(FrameClient client)
    {
        Frame answer = await client.SendAsync(Frame.Binary("binary/test", "who"u8.ToArray())).AsTask().WaitAsync(Patience);
        return Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(answer.Content));
    }

    /// <summary>A server on a loopback port that answers every request with its name, after <c>gate</c> for its first.</summary>
    private sealed class NamedServer : IAsyncDisposable
    {
        private readonly FrameServer _server;
        private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private NamedServer(FrameServer server, int port)
        {
            _server = server;
            Port = port;
        }

        public int Port { get; }

        public Task Answered => _answered.Task;

        public static async Task<NamedServer> StartAsync(string name, int port, Task? gate = null)
        {
            byte[] answer = Encoding.UTF8.GetBytes(name);
            NamedServer? self = null;
            var options = new FrameServerOptions();
            options.Listen.Add(ListenAddress.Tcp("127.0.0.1", port));
            var server = new FrameServer(options, async (exchange, _) =>
            {
                if (gate is not null)
                {
                    await gate;
                }

                exchange.Respond(FrameHeader.Binary("binary/test", answer.Length), answer);
                self?._answered.TrySetResult();
            });
            await server.StartAsync();
            self = new NamedServer(server, ((IPEndPoint)server.EndPoints[0]).Port);
            return self;
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }
}
