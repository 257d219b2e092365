using AppProtocol.Server;

namespace AppProtocol.Hosting;

/// <summary>A handler activated from dependency injection: <see cref="AppProtocolServerBuilder.MapHandler{THandler}"/> resolves one from a new service scope for each exchange.</summary>
public interface IFrameHandler
{
    /// <summary>Answers one request, as a <see cref="FrameHandler"/> does.</summary>
    /// <param name="exchange">The request and its response; valid only during the call.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away or the server aborts the connection.</param>
    /// <returns>A task that completes when the response is written.</returns>
    ValueTask HandleAsync(FrameExchange exchange, CancellationToken cancellationToken);
}
