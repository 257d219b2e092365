using System.Diagnostics;
using AppProtocol.Diagnostics;
using AppProtocol.Framing;

namespace AppProtocol.Server;

/// <summary>
/// The outermost exchange middleware: turns what a handler does wrong into an error reply (see
/// <see cref="FrameErrors"/>), logged and counted by its cause, instead of a silent close.
/// </summary>
/// <remarks>
/// A <see cref="ProtocolException"/> from the handler (typically the request's content failing to deserialize) is
/// the client's error: <see cref="FrameErrors.BadRequest"/>, counted under its <see cref="ProtocolError"/>. Any other
/// exception is the server's: <see cref="FrameErrors.ServerError"/>, counted as <c>handler</c>, its details only
/// logged. A handler that writes nothing gets a server-error reply too. Cancellation because the client left or the
/// server aborted ends the connection instead: there is nobody to answer.
/// </remarks>
internal sealed class ExchangeErrorMapper(FrameHandler next, AppProtocolMetrics metrics, Microsoft.Extensions.Logging.ILogger logger, TimeProvider clock)
{
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask HandleAsync(FrameExchange exchange, CancellationToken cancellationToken)
    {
        long? started = metrics.TimesExchanges ? clock.GetTimestamp() : null;
        FrameConnectionInfo connection = exchange.Connection;
        using Activity? activity = ExchangeTracing.StartServer(exchange.RequestHeader, connection.LocalEndPoint, connection.RemoteEndPoint);
        string? failure = null;
        try
        {
            await next(exchange, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            ServerLog.ClientLeft(logger, connection.Id);
            ExchangeTracing.Failed(activity, "client_left", "The client left or the server aborted.");
            throw;
        }
        catch (ProtocolException ex)
        {
            failure = ex.Error.ToString();
            ServerLog.BadRequest(logger, connection.Id, ex.Error, ex);
            AnswerInstead(exchange, FrameErrors.BadRequest, ex.Message);
            ExchangeTracing.Failed(activity, failure, ex.Message);
        }
        catch (Exception ex)
        {
            failure = AppProtocolMetrics.Reasons.Handler;
            ServerLog.HandlerFailed(logger, connection.Id, ex);
            AnswerInstead(exchange, FrameErrors.ServerError, "The server failed to handle the request.");
            ExchangeTracing.Failed(activity, ex.GetType().FullName ?? failure, ex.Message);
        }

        if (exchange.ResponseLength == 0)
        {
            failure = AppProtocolMetrics.Reasons.Handler;
            ServerLog.NoResponse(logger, connection.Id);
            exchange.WriteErrorInstead(FrameErrors.ServerError, "The handler wrote no response.");
            ExchangeTracing.Failed(activity, "no_response", "The handler wrote no response.");
        }

        if (failure is not null)
        {
            metrics.Error(failure, connection.Tags);
        }

        metrics.FrameSent(exchange.ResponseLength, connection.Tags);
        metrics.ExchangeCompleted(started, clock, connection.Tags, failure);
    }

    // A response already written whole stands; only a request left unanswered gets the error reply.
    private static void AnswerInstead(FrameExchange exchange, string code, string message)
    {
        if (exchange.ResponseLength == 0)
        {
            exchange.WriteErrorInstead(code, message);
        }
    }
}
