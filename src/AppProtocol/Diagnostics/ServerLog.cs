using System.Net;
using AppProtocol.Framing;
using Microsoft.Extensions.Logging;

namespace AppProtocol.Diagnostics;

/// <summary>The server's log messages, source-generated so that disabled levels cost nothing.</summary>
internal static partial class ServerLog
{
    /// <summary>The scope of every message about one connection: its id and who is at the other end.</summary>
    public static IDisposable? ConnectionScope(ILogger logger, long connectionId, Microsoft.AspNetCore.Connections.ConnectionContext connection) =>
        logger.BeginScope(new ConnectionLogScope(connectionId, connection));

    [LoggerMessage(1, LogLevel.Information, "Listening on {EndPoint}.")]
    public static partial void Listening(ILogger logger, EndPoint endPoint);

    [LoggerMessage(2, LogLevel.Debug, "Connection {ConnectionId} accepted from {RemoteEndPoint}.")]
    public static partial void ConnectionAccepted(ILogger logger, long connectionId, EndPoint? remoteEndPoint);

    [LoggerMessage(3, LogLevel.Debug, "Connection {ConnectionId} closed.")]
    public static partial void ConnectionClosed(ILogger logger, long connectionId);

    [LoggerMessage(4, LogLevel.Warning, "Connection from {RemoteEndPoint} refused: {Limit} connections already open.")]
    public static partial void ConnectionLimitReached(ILogger logger, EndPoint? remoteEndPoint, int limit);

    [LoggerMessage(5, LogLevel.Warning, "Connection {ConnectionId} sent a bad frame ({Error}); closing it.")]
    public static partial void BadFrame(ILogger logger, long connectionId, ProtocolError error, Exception exception);

    [LoggerMessage(6, LogLevel.Error, "The handler failed on connection {ConnectionId}; answered with a server-error reply.")]
    public static partial void HandlerFailed(ILogger logger, long connectionId, Exception exception);

    [LoggerMessage(7, LogLevel.Information, "Connection {ConnectionId} timed out {What}; closing it.")]
    public static partial void TimedOut(ILogger logger, long connectionId, string what);

    [LoggerMessage(8, LogLevel.Debug, "Connection {ConnectionId} failed with an I/O error; closing it.")]
    public static partial void IoError(ILogger logger, long connectionId, Exception exception);

    [LoggerMessage(9, LogLevel.Information, "TLS handshake failed on connection {ConnectionId}; closing it.")]
    public static partial void TlsHandshakeFailed(ILogger logger, long connectionId, Exception exception);

    [LoggerMessage(10, LogLevel.Warning, "Accepting a connection on {EndPoint} failed; accepting the next.")]
    public static partial void AcceptFailed(ILogger logger, EndPoint endPoint, Exception exception);

    [LoggerMessage(11, LogLevel.Error, "Connection {ConnectionId} failed unexpectedly; closing it.")]
    public static partial void ConnectionFailed(ILogger logger, long connectionId, Exception exception);

    [LoggerMessage(12, LogLevel.Information, "Stopping: {Count} connections still open.")]
    public static partial void Stopping(ILogger logger, int count);

    [LoggerMessage(13, LogLevel.Warning, "Shutdown timeout reached: aborting {Count} connections.")]
    public static partial void AbortingConnections(ILogger logger, int count);

    [LoggerMessage(14, LogLevel.Warning, "Cannot bind {EndPoint} of {Address}; the host's other addresses are still used.")]
    public static partial void BindSkipped(ILogger logger, EndPoint endPoint, string address, Exception exception);

    [LoggerMessage(15, LogLevel.Error, "A connection callback failed on connection {ConnectionId}.")]
    public static partial void CallbackFailed(ILogger logger, long connectionId, Exception exception);

    [LoggerMessage(16, LogLevel.Warning, "Connection {ConnectionId} sent a request with invalid content ({Error}); answered with a bad-request reply.")]
    public static partial void BadRequest(ILogger logger, long connectionId, ProtocolError error, Exception exception);

    [LoggerMessage(17, LogLevel.Error, "The handler on connection {ConnectionId} returned without a response; answered with a server-error reply.")]
    public static partial void NoResponse(ILogger logger, long connectionId);

    [LoggerMessage(18, LogLevel.Trace, "Connection {ConnectionId} waits for its next frame.")]
    public static partial void WaitingForFrame(ILogger logger, long connectionId);

    [LoggerMessage(21, LogLevel.Trace, "Connection {ConnectionId} is receiving a frame.")]
    public static partial void ReceivingFrame(ILogger logger, long connectionId);

    [LoggerMessage(22, LogLevel.Trace, "Connection {ConnectionId} has {Timeout} {Step}.")]
    public static partial void StepTimeoutSet(ILogger logger, long connectionId, TimeSpan timeout, string step);

    [LoggerMessage(23, LogLevel.Trace, "Connection {ConnectionId} waits for its client to read {Bytes} bytes.")]
    public static partial void WaitingForReader(ILogger logger, long connectionId, long bytes);

    [LoggerMessage(25, LogLevel.Warning, "Connection {ConnectionId} announced {Length} bytes of content, more than the streamed-content limit of {Limit}; answered with a bad-request reply and closing it.")]
    public static partial void StreamedContentTooLarge(ILogger logger, long connectionId, long length, long limit);

    [LoggerMessage(26, LogLevel.Trace, "Connection {ConnectionId} waits for {Bytes} more bytes of a request's content.")]
    public static partial void WaitingForContent(ILogger logger, long connectionId, long bytes);

    [LoggerMessage(19, LogLevel.Error, "Stopping the server failed.")]
    public static partial void StopFailed(ILogger logger, Exception exception);

    [LoggerMessage(20, LogLevel.Debug, "The client of connection {ConnectionId} left during its exchange.")]
    public static partial void ClientLeft(ILogger logger, long connectionId);

    [LoggerMessage(24, LogLevel.Information, "A surge of connections has ended: collected aggressively to return its memory ({Committed:N0} bytes committed by the collector now).")]
    public static partial void MemoryTrimmed(ILogger logger, long committed);
}
