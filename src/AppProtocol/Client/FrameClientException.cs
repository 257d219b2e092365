namespace AppProtocol.Client;

/// <summary>
/// A <see cref="FrameClient"/> could not connect, or lost its connection before a response arrived. The message names
/// the server and the cause, and ends by saying whether the server may have processed the request;
/// <see cref="RequestNotProcessed"/> says the same for code.
/// </summary>
/// <remarks>
/// Garbage from the server is a <see cref="Framing.ProtocolException"/> instead, a request that took longer than
/// <see cref="FrameClientOptions.RequestTimeout"/> a <see cref="FrameClientTimeoutException"/>. The inner exception,
/// when there is one, is the socket, TLS, I/O or protocol error that caused it.
/// </remarks>
public sealed class FrameClientException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    public FrameClientException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Whether the server certainly did not process the request, so sending it again cannot make it happen twice: the
    /// request was never sent whole (the client could not connect, or the connection broke while the request was being
    /// written), or the server cannot have read it (it announced its last answer before it, reset the connection
    /// without reading it, or closed the connection before it went out). <see langword="false"/> when the server may
    /// have processed it: it had the whole request and the connection was lost before the answer; only the caller
    /// knows whether doing it twice is harmless.
    /// </summary>
    public bool RequestNotProcessed { get; init; }
}
