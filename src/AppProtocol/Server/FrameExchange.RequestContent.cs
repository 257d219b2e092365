using System.IO.Pipelines;
using AppProtocol.Framing;

namespace AppProtocol.Server;

/// <summary>The request's content as it arrives: a <see cref="PipeReader"/> or a <see cref="Stream"/> of exactly <c>content-length</c> bytes.</summary>
/// <remarks>
/// Content up to <see cref="FrameServerOptions.RequestStreamingThreshold"/> is buffered whole before the handler runs,
/// as <see cref="Request"/>; longer content is streamed: the handler runs once the header has arrived, and reads the
/// content from the connection with backpressure (docs/PROTOCOL.md, "Streamed content"). <see cref="RequestContent"/>
/// and <see cref="RequestContentStream"/> read either kind, so one handler serves both.
/// </remarks>
public sealed partial class FrameExchange
{
    private readonly RequestContentReader _content;

    /// <summary>The request's header, whether its content is buffered or streamed.</summary>
    public FrameHeader RequestHeader { get; private set; }

    /// <summary>Whether the request's content is streamed from the connection (then <see cref="Request"/> throws) rather than buffered.</summary>
    public bool IsRequestContentStreamed => _content.IsStreamed;

    /// <summary>
    /// The request's content: ends after exactly <c>content-length</c> bytes. Streamed content is read from the
    /// connection as the handler asks for it; the stream ending early throws a <see cref="ProtocolException"/>
    /// (<see cref="ProtocolError.TruncatedFrame"/>). Valid only during the handler call; completing it is optional.
    /// </summary>
    /// <remarks>
    /// Content the handler leaves unread is drained by the server when it is at most 1 MiB; more closes the connection
    /// after the response. A whole response (not <c>RespondAsync</c>/<c>RespondFileAsync</c>) written while more than
    /// that is unread says so with <c>"connection": "close"</c>.
    /// </remarks>
    public PipeReader RequestContent => _content;

    /// <summary>The request's content as a read-only <see cref="Stream"/> over <see cref="RequestContent"/>; disposing it is optional.</summary>
    public Stream RequestContentStream => _content.AsStream();

    // A response written while more than the server drains is unread is the connection's last.
    private bool LeavesContentUnread => _content.IsStreamed && _content.Remaining > FrameServerConnection.DrainLimit;
}
