using System.Collections.Concurrent;
using System.Net;
using System.Text;
using AppProtocol.Framing;
using AppProtocol.Proxy;
using AppProtocol.Server;
using AppProtocol.Tests.Server;
using AppProtocol.Tests.Support;
using AppProtocol.Transport.InMemory;
using Microsoft.Extensions.Time.Testing;

namespace AppProtocol.Tests.Proxy;

/// <summary>A server with the PROXY protocol on the in-memory transport, its peers at a given address, answering each request with who it sees.</summary>
internal sealed class ProxiedServer : IAsyncDisposable
{
    /// <summary>A balancer's address, outside loopback.</summary>
    public static readonly IPEndPoint Balancer = new(IPAddress.Parse("10.0.0.9"), 40001);

    private ProxiedServer(InMemoryTransport transport, FrameServerBuilder builder)
    {
        Transport = transport;
        builder.LoggerFactory = Log;
        builder.Options.MeterFactory = Metrics.Factory;
        builder.Options.TimeProvider = Clock;
        builder.Options.ConnectionOpened = (_, remote) => Opened.Enqueue(remote);
        Server = builder.Build();
    }

    public InMemoryTransport Transport { get; }

    public FrameServer Server { get; }

    public LogSignal Log { get; } = new();

    public MetricsRecorder Metrics { get; } = new();

    public FakeTimeProvider Clock { get; } = new();

    /// <summary>The client end points <c>ConnectionOpened</c> was called with.</summary>
    public ConcurrentQueue<EndPoint?> Opened { get; } = new();

    /// <summary>Starts a server whose peers come from <paramref name="peer"/> (the in-memory end point when null), with <paramref name="configure"/>'s PROXY settings.</summary>
    public static async Task<ProxiedServer> StartAsync(Action<ProxyProtocolOptions>? configure = null, EndPoint? peer = null)
    {
        var transport = new InMemoryTransport();
        var builder = new FrameServerBuilder()
            .Run(AnswerWho)
            .ListenOn(peer is null ? transport : new PeerAddressTransport(transport, peer), transport.EndPoint)
            .UseProxyProtocol(configure);
        var self = new ProxiedServer(transport, builder);
        await self.Server.StartAsync();
        return self;
    }

    /// <summary>What <see cref="AnswerWho"/> answers: the client's end point, the server's, and the header's version (0 without one).</summary>
    public static string Who(Frame answer) => Requests.Text(answer);

    public async Task<InMemoryServer.Client> ConnectAsync() => new(await Transport.ConnectAsync());

    /// <summary>The errors counted with this <c>error.type</c>.</summary>
    public double Errors(string type) => Metrics.Sum("appprotocol.server.errors", type);

    /// <summary>Every error counted, whatever its type.</summary>
    public double AllErrors() => Metrics.Sum("appprotocol.server.errors");

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Metrics.Dispose();
    }

    /// <summary>Answers with who the handler sees: the client's end point, the server's, the header's version (0 without one), and the TLS protocol when there is one.</summary>
    public static ValueTask AnswerWho(FrameExchange exchange, CancellationToken cancellationToken)
    {
        int version = exchange.Connection.Features.Get<IProxyProtocolFeature>()?.Header.Version ?? 0;
        string tls = exchange.Connection.TlsProtocol is { } protocol ? $" {protocol}" : "";
        byte[] who = Encoding.UTF8.GetBytes($"{exchange.Connection.RemoteEndPoint} {exchange.Connection.LocalEndPoint} v{version}{tls}");
        exchange.Respond(FrameHeader.Binary("binary/who", who.Length), who);
        return ValueTask.CompletedTask;
    }
}
