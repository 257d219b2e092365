using System.Net.Sockets;

namespace AppProtocol.Client;

/// <summary>
/// Internal signal: the server cannot have read the request, so it may go out again on a new connection. The message
/// says why (<see cref="ClientFailures"/> has the reasons).
/// </summary>
/// <remarks>
/// A TCP stack resets a connection whose socket is closed while received data is still unread, or when data arrives
/// after the close. A server that closes after each answer (as the reference does) races a client that reuses the
/// connection: the next request arrives as the server closes, and is reset unread.
/// </remarks>
internal sealed class RequestUnreadException(string reason) : Exception(reason)
{
    /// <summary>Whether <paramref name="error"/> is (caused by) a connection reset or a write to a connection the peer already reset.</summary>
    public static bool IsReset(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted })
            {
                return true;
            }
        }

        return false;
    }
}
