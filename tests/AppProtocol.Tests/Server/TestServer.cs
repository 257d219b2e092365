using System.Net;
using AppProtocol.Server;
using AppProtocol.Transport;

namespace AppProtocol.Tests.Server;

/// <summary>A started <see cref="FrameServer"/> on a loopback port 0 (unless told otherwise), for the tests whose subject is sockets, TLS or the sample application.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly TaskCompletionSource<long> _firstClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TestServer(FrameServer server) => Server = server;

    public FrameServer Server { get; }

    public EndPoint EndPoint => Server.EndPoints[0];

    /// <summary>Completes when the first connection closes, with its id.</summary>
    public Task<long> FirstClosed => _firstClosed.Task;

    public static async Task<TestServer> StartAsync(FrameHandler handler, Action<FrameServerOptions>? configure = null, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null)
    {
        var options = new FrameServerOptions();
        configure?.Invoke(options);
        if (options.Listen.Count == 0)
        {
            options.Listen.Add(ListenAddress.Tcp("127.0.0.1", 0));
        }

        TestServer? self = null;
        Action<long, EndPoint?>? closed = options.ConnectionClosed;
        options.ConnectionClosed = (id, remote) =>
        {
            closed?.Invoke(id, remote);
            self!._firstClosed.TrySetResult(id);
        };
        var server = new FrameServer(options, handler, loggerFactory);
        self = new TestServer(server);
        await server.StartAsync();
        return self;
    }

    public Task<RawClient> ConnectAsync() => RawClient.ConnectAsync(EndPoint);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
