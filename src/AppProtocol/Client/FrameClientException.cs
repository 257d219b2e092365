namespace AppProtocol.Client;

/// <summary>
/// A <see cref="FrameClient"/> could not connect, or lost its connection before a response arrived.
/// </summary>
/// <remarks>
/// Garbage from the server is a <see cref="Framing.ProtocolException"/> instead, a request that took longer than
/// <see cref="FrameClientOptions.RequestTimeout"/> a <see cref="TimeoutException"/>. The inner exception, when
/// there is one, is the socket, TLS or I/O error that caused it.
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
}
