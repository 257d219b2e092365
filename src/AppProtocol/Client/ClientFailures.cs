using System.Buffers.Binary;
using System.Globalization;
using AppProtocol.Framing;

namespace AppProtocol.Client;

/// <summary>
/// The client's failures, each naming the server and its cause and saying whether the server may have processed the
/// request (in the message and as <see cref="FrameClientException.RequestNotProcessed"/>), so a caller knows what is
/// safe to send again.
/// </summary>
internal static class ClientFailures
{
    /// <summary>The sentence that ends a failure whose request the server certainly did not process.</summary>
    public const string NotProcessed = "The request was not processed: it is safe to send again.";

    /// <summary>The sentence that ends a failure whose request the server may have processed.</summary>
    public const string MayHaveProcessed = "The server may have processed the request.";

    // Why a request may go out again on another connection (RequestUnreadException, SendOutcome.ResendReason).
    public const string AfterLastAnswer = "the server announced that its answer to an earlier request was its last on the connection (it closes after each answer, or is shutting down) and read nothing after it";
    public const string ResetUnread = "the server reset the connection without reading it";
    public const string ClosedBeforeSent = "the server closed the connection before the request went out";
    public const string BrokenWhileSending = "the connection broke while it was being sent, so the server never had all of it";

    /// <summary>A connection lost before the request's response: <paramref name="what"/> happened to it.</summary>
    public static FrameClientException Lost(string what, PendingRequest request, Exception? cause) =>
        new($"{Sentence(what)}{OverLimitHint(request.ContentLength)} {MayHaveProcessed}", cause);

    /// <summary>Could not connect, so nothing was sent.</summary>
    public static FrameClientException CouldNotConnect(string what, Exception? cause) =>
        new($"{Sentence(what)} {NotProcessed}", cause) { RequestNotProcessed = true };

    /// <summary>The request went out on several connections and none read it.</summary>
    public static FrameClientException NeverRead(string server, int attempts, string lastReason, long contentLength) =>
        new($"The request to {server} went out on {attempts} connections in a row and none read it: the last time, {lastReason}.{OverLimitHint(contentLength)} {NotProcessed}")
        {
            RequestNotProcessed = true,
        };

    /// <summary>Connecting failed while the request was being sent again: the reason it had to be names the likely cause.</summary>
    public static FrameClientException ResendFailed(FrameClientException connectFailure, string resentBecause) =>
        new($"{connectFailure.Message} It was being sent again because {resentBecause}.", connectFailure.InnerException ?? connectFailure)
        {
            RequestNotProcessed = connectFailure.RequestNotProcessed,
        };

    /// <summary>The request timeout passed: before the request was sent whole (<paramref name="sent"/> false), or waiting for its response.</summary>
    public static FrameClientTimeoutException TimedOut(string server, TimeSpan timeout, bool sent) => sent
        ? new($"No response from {server} within the request timeout of {Format(timeout)} (FrameClientOptions.RequestTimeout). {MayHaveProcessed}", timeout)
        : new($"The request to {server} could not be sent within the request timeout of {Format(timeout)} (FrameClientOptions.RequestTimeout). {NotProcessed}", timeout)
        {
            RequestNotProcessed = true,
        };

    /// <summary>Another request on the connection timed out, so the connection was given up with this one on it.</summary>
    public static FrameClientException ClosedAfterTimeout(string server, FrameClientTimeoutException timeout) =>
        new($"The connection to {server} was closed because a request on it got no response within the request timeout of {Format(timeout.Timeout)}. {MayHaveProcessed}", timeout);

    /// <summary><paramref name="text"/> ending with a full stop.</summary>
    public static string Sentence(string text) => text.EndsWith('.') ? text : text + ".";

    /// <summary>A duration as people write it: "300 ms", "30 s".</summary>
    public static string Format(TimeSpan duration) => duration < TimeSpan.FromSeconds(1)
        ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0.###} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.###} s");

    /// <summary>
    /// When the request's content is over the default limit of AppProtocol servers, the likely reason a server closed
    /// without answering: a server refuses a frame over its limit by closing the connection, before reading the content.
    /// </summary>
    public static string OverLimitHint(long contentLength) => contentLength <= FrameLimits.DefaultMaxContentLength
        ? ""
        : string.Create(CultureInfo.InvariantCulture, $" Its content of {contentLength:N0} bytes is over the server limit that AppProtocol servers apply by default ({FrameLimits.DefaultMaxContentLength:N0} bytes, FrameLimits.MaxContentLength), and a server refuses a frame over its limit by closing the connection.");

    /// <summary>The content length of a whole encoded frame.</summary>
    public static long ContentLengthOf(ReadOnlyMemory<byte> encoded) =>
        encoded.Length < 2 ? 0 : encoded.Length - 2 - BinaryPrimitives.ReadUInt16BigEndian(encoded.Span);
}
