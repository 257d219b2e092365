using AppProtocol.Client;

namespace AppProtocol.Hosting;

/// <summary>Which failed calls are safe to send again: what a retry strategy for AppProtocol clients should handle.</summary>
public static class FrameClientRetry
{
    /// <summary>
    /// Whether a call that failed with <paramref name="exception"/> may be sent again without risking that the server
    /// processes it twice: the failure says the request was not processed (<see cref="FrameClientException.RequestNotProcessed"/>,
    /// <see cref="FrameClientTimeoutException.RequestNotProcessed"/>, an <c>unavailable</c> <see cref="FrameErrorReplyException"/>),
    /// or the connection was lost (<see cref="FrameClientException"/>) and requests are idempotent. Never another error
    /// reply, a protocol error or a cancellation.
    /// </summary>
    /// <param name="exception">The call's failure.</param>
    /// <param name="requestsAreIdempotent">Whether the request may safely be processed twice.</param>
    /// <returns>Whether to retry.</returns>
    public static bool IsSafeToRetry(Exception exception, bool requestsAreIdempotent) => exception switch
    {
        FrameClientException lost => lost.RequestNotProcessed || requestsAreIdempotent,
        FrameClientTimeoutException timedOut => timedOut.RequestNotProcessed,
        FrameErrorReplyException reply => reply.RequestNotProcessed,
        _ => false,
    };
}
