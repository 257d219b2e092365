namespace AppProtocol.Client;

/// <summary>
/// A <see cref="FrameClient"/> request took longer than <see cref="FrameClientOptions.RequestTimeout"/>. The message
/// gives the timeout and says whether the request was sent; <see cref="RequestNotProcessed"/> says the same for code.
/// </summary>
/// <remarks>
/// A request that timed out after it was sent leaves its connection closed (the server is stuck or slow, and later
/// answers would be out of step); the other requests waiting on it fail with <see cref="FrameClientException"/>.
/// </remarks>
public sealed class FrameClientTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What timed out.</param>
    /// <param name="timeout">The timeout that passed.</param>
    public FrameClientTimeoutException(string message, TimeSpan timeout)
        : base(message)
    {
        Timeout = timeout;
    }

    /// <summary>The timeout that passed.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Whether the request was certainly not processed: the time ran out before it was sent whole (while
    /// connecting, waiting for its turn, or writing). <see langword="false"/> when it was sent: the server may have
    /// processed it.</summary>
    public bool RequestNotProcessed { get; init; }
}
