using Microsoft.Extensions.Logging;

namespace AppProtocol.Client;

/// <summary>The client's log events (source-generated: no formatting cost unless the level is enabled).</summary>
internal static partial class FrameClientLog
{
    [LoggerMessage(EventId = 1, EventName = "Connected", Level = LogLevel.Debug, Message = "Connected to {Server}.")]
    public static partial void Connected(ILogger logger, string server);

    [LoggerMessage(EventId = 2, EventName = "ConnectFailed", Level = LogLevel.Warning, Message = "Could not connect to {Server}.")]
    public static partial void ConnectFailed(ILogger logger, string server, Exception exception);

    [LoggerMessage(EventId = 3, EventName = "ConnectionClosed", Level = LogLevel.Debug, Message = "The connection to {Server} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, string server, string reason);

    [LoggerMessage(EventId = 4, EventName = "RequestResent", Level = LogLevel.Debug, Message = "The server {Server} cannot have read a request ({Reason}); sending it on a new connection.")]
    public static partial void RequestResent(ILogger logger, string server, string reason);

    [LoggerMessage(EventId = 6, EventName = "IdempotentRequestResent", Level = LogLevel.Debug, Message = "The server {Server} may have processed a request before its connection failed; sending it again, as requests are idempotent.")]
    public static partial void IdempotentRequestResent(ILogger logger, string server, Exception failure);

    [LoggerMessage(EventId = 5, EventName = "ReuseLearned", Level = LogLevel.Debug, Message = "The server {Server} {Behaviour}.")]
    public static partial void ReuseLearned(ILogger logger, string server, string behaviour);

    [LoggerMessage(EventId = 7, EventName = "ServerLeftOut", Level = LogLevel.Information, Message = "The server {Server} failed; calls go to the other servers for {Backoff} ms.")]
    public static partial void ServerLeftOut(ILogger logger, string server, long backoff, Exception failure);
}
