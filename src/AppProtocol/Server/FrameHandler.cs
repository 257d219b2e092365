namespace AppProtocol.Server;

/// <summary>Answers one request: reads <see cref="FrameExchange.Request"/> and responds once with one of <see cref="FrameExchange"/>'s <c>Respond</c> methods.</summary>
/// <param name="exchange">The request and its response; valid only during the call.</param>
/// <param name="cancellationToken">Cancelled when the client goes away or the server aborts the connection (<see cref="FrameExchange.Aborted"/>).</param>
/// <returns>A task that completes when the response is written (the server flushes it).</returns>
/// <remarks>An exception becomes an error reply (see <see cref="Framing.FrameErrors"/>): a <see cref="Framing.ProtocolException"/> a bad-request one, anything else a server-error one.</remarks>
public delegate ValueTask FrameHandler(FrameExchange exchange, CancellationToken cancellationToken);
