using System.IO.Pipelines;
using AppProtocol.Framing;
using AppProtocol.Pipelines;
using AppProtocol.Server;
using AppProtocol.Transport.InMemory;

namespace AppProtocol.Tests.Server;

/// <summary>A server core on the in-memory transport: handler tests without sockets.</summary>
public sealed class InMemoryServer : IAsyncDisposable
{
    private InMemoryServer(FrameServer server, InMemoryTransport transport)
    {
        Server = server;
        Transport = transport;
    }

    public FrameServer Server { get; }

    public InMemoryTransport Transport { get; }

    public static async Task<InMemoryServer> StartAsync(FrameHandler handler, Action<FrameServerBuilder>? configure = null)
    {
        var transport = new InMemoryTransport();
        var builder = new FrameServerBuilder().Run(handler).ListenOn(transport, transport.EndPoint);
        configure?.Invoke(builder);
        var self = new InMemoryServer(builder.Build(), transport);
        await self.Server.StartAsync();
        return self;
    }

    public async Task<Client> ConnectAsync() => new(await Transport.ConnectAsync());

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    /// <summary>The client's end, reading frames with the library's own reader.</summary>
    public sealed class Client(InMemoryConnection connection) : IAsyncDisposable
    {
        private readonly FrameReader _reader = new(connection.Transport.Input);

        public InMemoryConnection Connection => connection;

        public async Task<Frame> ExchangeAsync(byte[] request)
        {
            await connection.Transport.Output.WriteAsync(request);
            return await ReadAsync() ?? throw new InvalidOperationException("The server closed the connection instead of answering.");
        }

        public async Task<Frame?> ReadAsync() =>
            (await _reader.ReadFrameAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)))?.Clone();

        public ValueTask<FlushResult> SendAsync(byte[] bytes) => connection.Transport.Output.WriteAsync(bytes);

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
