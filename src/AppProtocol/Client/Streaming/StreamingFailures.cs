using System.Globalization;
using AppProtocol.Framing;

namespace AppProtocol.Client.Streaming;

/// <summary>The failures of a streamed exchange, each naming the server, the cause and how far the content got.</summary>
internal static class StreamingFailures
{
    public static ArgumentException SourceTooShort(in FrameHeader header, long sent) =>
        new(Text($"The content stream ended after {sent:N0} of the {header.ContentLength:N0} bytes the header's content-length declares. The connection was reset, so the server never had a whole frame. {ClientFailures.NotProcessed}"), "content");

    public static FrameClientException BrokeWhileSending(string server, StreamedRequest request, Exception cause) =>
        new(Text($"The connection to {server} broke while the request content was sent, after {request.Sent:N0} of {request.Header.ContentLength:N0} bytes ({cause.Message}). The server never had the whole request. {ClientFailures.NotProcessed}"), cause)
        {
            RequestNotProcessed = true,
        };

    public static FrameClientTimeoutException SendStalled(string server, StreamedRequest request, TimeSpan limit) =>
        new(Text($"The server {server} took no request content for {ClientFailures.Format(limit)} (FrameClientOptions.RequestTimeout), after {request.Sent:N0} of {request.Header.ContentLength:N0} bytes. The server never had the whole request. {ClientFailures.NotProcessed}"), limit)
        {
            RequestNotProcessed = true,
        };

    public static FrameClientTimeoutException NoAnswer(string server, TimeSpan limit) =>
        new($"No response from {server} within {ClientFailures.Format(limit)} (FrameClientOptions.RequestTimeout) of sending the whole request. {ClientFailures.MayHaveProcessed}", limit);

    public static FrameClientException ClosedBeforeAnswer(string server, Exception? cause) =>
        new(cause is null
            ? $"The server {server} closed the connection before answering. {ClientFailures.MayHaveProcessed}"
            : $"The connection to {server} failed before the answer: {ClientFailures.Sentence(cause.Message)} {ClientFailures.MayHaveProcessed}", cause);

    public static FrameClientException ContentCut(string server, long received, long length, Exception? cause) =>
        new(Text($"The server {server} closed the connection after {received:N0} of the {length:N0} content bytes of its response{(cause is null ? "" : $" ({cause.Message})")}: the content is incomplete. {ClientFailures.MayHaveProcessed}"), cause);

    public static FrameClientTimeoutException ContentStalled(string server, long received, long length, TimeSpan limit) =>
        new(Text($"The server {server} sent no response content for {ClientFailures.Format(limit)} (FrameClientOptions.RequestTimeout), after {received:N0} of {length:N0} bytes. {ClientFailures.MayHaveProcessed}"), limit);

    public static ProtocolException ErrorReplyTooLarge(long length, long limit) =>
        new(ProtocolError.ContentTooLarge, Text($"Header 'content-length' of an error reply is {length}, more than the limit of {limit} (FrameClientOptions.Limits)."));

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
