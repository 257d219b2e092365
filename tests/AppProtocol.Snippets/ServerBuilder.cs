// <readme:server-builder>
using AppProtocol.Framing;
using AppProtocol.Pipelines;
using AppProtocol.Server;
using AppProtocol.Transport.InMemory;
// </readme:server-builder>

namespace ReadmeSnippets.ServerBuilder;

/// <summary>The README's <c>FrameServerBuilder</c> snippet: middleware, and a server on the in-memory transport answering one request.</summary>
public static class Snippet
{
    /// <summary>Runs the README's program.</summary>
    /// <returns>An owned copy of the reply the README's client read.</returns>
    public static async Task<Frame?> RunAsync()
    {
        // <readme:server-builder>
        var transport = new InMemoryTransport();                       // handler tests without sockets
        await using FrameServer server = new FrameServerBuilder(new FrameServerOptions { IdleTimeout = TimeSpan.FromMinutes(1) })
            .UseConnectionMiddleware(next => connection => next(connection))          // once per connection, before frames
            .UseExchangeMiddleware(next => (exchange, ct) => next(exchange, ct))      // around each request
            .Run((exchange, ct) =>
            {
                exchange.Respond(Frame.Binary("binary/custom-server-binary-type", "pong"u8.ToArray()));
                return ValueTask.CompletedTask;
            })
            .ListenOn(transport, transport.EndPoint)                   // or new SocketTransportFactory() and an IPEndPoint
            .Build();
        await server.StartAsync();

        await using InMemoryConnection connection = await transport.ConnectAsync();   // the client's end of a connection
        await connection.Transport.Output.WriteFrameAsync(Frame.Binary("binary/custom-client-binary-type", "ping"u8.ToArray()));
        Frame? reply = await new FrameReader(connection.Transport.Input).ReadFrameAsync();
        Console.WriteLine(reply?.Header.ContentType);                 // binary/custom-server-binary-type
        // </readme:server-builder>
        return reply?.Clone();
    }
}
