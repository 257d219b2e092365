using AppProtocol.Framing;
using AppProtocol.Pipelines;
using AppProtocol.Server;
using AppProtocol.Transport.InMemory;
using Microsoft.AspNetCore.Connections;

namespace AppProtocol.Tests.Server;

/// <summary>A started <see cref="FrameServer"/> on the in-memory transport: handler and server-core tests without sockets.</summary>
public sealed class InMemoryServer : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly TaskCompletionSource<long> _firstClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private InMemoryServer(InMemoryTransport transport) => Transport = transport;

    public FrameServer Server { get; private set; } = null!;

    public InMemoryTransport Transport { get; }

    /// <summary>Completes when the first connection closes, with its id.</summary>
    public Task<long> FirstClosed => _firstClosed.Task;

    /// <summary>Starts a server with <paramref name="handler"/>; <paramref name="configure"/> sets its options, logger and middleware.</summary>
    public static async Task<InMemoryServer> StartAsync(FrameHandler handler, Action<FrameServerBuilder>? configure = null)
    {
        var self = new InMemoryServer(new InMemoryTransport());
        var builder = new FrameServerBuilder().Run(handler).ListenOn(self.Transport, self.Transport.EndPoint);
        configure?.Invoke(builder);
        Action<long, System.Net.EndPoint?>? closed = builder.Options.ConnectionClosed;
        builder.Options.ConnectionClosed = (id, remote) =>
        {
            closed?.Invoke(id, remote);
            self._firstClosed.TrySetResult(id);
        };
        self.Server = builder.Build();
        await self.Server.StartAsync();
        return self;
    }

    /// <summary>Opens a connection; throws <see cref="InvalidOperationException"/> once the server stopped listening.</summary>
    public async Task<Client> ConnectAsync() => new(await Transport.ConnectAsync());

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    /// <summary>The client's end, reading frames with the library's own reader.</summary>
    public sealed class Client(InMemoryConnection connection) : IAsyncDisposable
    {
        private readonly FrameReader _reader = new(connection.Transport.Input);

        public InMemoryConnection Connection => connection;

        public async Task<Frame> ExchangeAsync(ReadOnlyMemory<byte> request)
        {
            await SendAsync(request);
            return await ReadAsync() ?? throw new InvalidOperationException("The server closed the connection instead of answering.");
        }

        /// <summary>Reads the next frame, copied out of the pipe; null when the server ended the stream between frames.</summary>
        public async Task<Frame?> ReadAsync() =>
            (await _reader.ReadFrameAsync().AsTask().WaitAsync(Patience))?.Clone();

        public async Task SendAsync(ReadOnlyMemory<byte> bytes) =>
            await connection.Transport.Output.WriteAsync(bytes).AsTask().WaitAsync(Patience);

        /// <summary>Completes when the server has closed the connection (the end of its stream, or an abort), with no frame in between.</summary>
        public async Task AssertClosedByServerAsync()
        {
            try
            {
                Frame? frame = await ReadAsync();
                Assert.False(frame.HasValue, "Expected the server to close, got a frame.");
            }
            catch (OperationCanceledException ex) when (ex is not TaskCanceledException)
            {
                // An abort ends both directions at once, as a reset does on a socket (ConnectionAbortedException).
                Assert.True(connection.ConnectionClosed.IsCancellationRequested, $"Read failed without the connection being closed: {ex}");
            }
        }

        /// <summary>Ends the sending half only (a socket's FIN): the server reads the end of the stream, the client can still read.</summary>
        public ValueTask ShutdownSendAsync() => connection.Transport.Output.CompleteAsync();

        /// <summary>Ends both directions at once, as a crashing peer would.</summary>
        public void Abort() => connection.Abort(new ConnectionAbortedException("The client aborted."));

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
