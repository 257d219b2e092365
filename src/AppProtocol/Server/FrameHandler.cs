namespace AppProtocol.Server;

/// <summary>Answers one request: reads <see cref="FrameExchange.Request"/> and writes exactly one response frame into <see cref="FrameExchange.Response"/>.</summary>
/// <param name="exchange">The request and where its response goes; valid only during the call.</param>
/// <param name="cancellationToken">Cancelled when the connection is aborted (shutdown timeout, server disposal).</param>
/// <returns>A task that completes when the response is written (the server flushes it).</returns>
public delegate ValueTask FrameHandler(FrameExchange exchange, CancellationToken cancellationToken);
