using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json.Serialization.Metadata;
using AppProtocol.Framing;
using AppProtocol.Json;

namespace AppProtocol.Server;

/// <summary>One request and its one response. One instance per connection, reused for each request.</summary>
/// <remarks>
/// <see cref="Request"/> is a view of the connection's read buffer, valid only during the <see cref="FrameHandler"/>
/// call. A handler answers with exactly one of the <c>Respond</c> methods, each of which writes one whole frame; a
/// second call throws, and a handler that returns without responding gets a <see cref="FrameErrors.ServerError"/>
/// reply sent for it. The server flushes once it has answered every whole request it had already received, so
/// pipelined requests go out in one write.
/// </remarks>
public sealed partial class FrameExchange
{
    private readonly ResponseWriter _response;
    private readonly PipeWriter _output;
    private CancellationToken _aborted;
    private Frame _request;
    private bool _closesAfter;

    internal FrameExchange(FrameConnectionInfo connection, PipeWriter output, RequestContentReader content)
    {
        Connection = connection;
        _output = output;
        _response = new ResponseWriter(output);
        _content = content;
    }

    /// <summary>The request frame; its content is valid only during the handler call (<see cref="Frame.Clone"/> keeps it).</summary>
    /// <exception cref="InvalidOperationException">The request's content is streamed (<see cref="IsRequestContentStreamed"/>): read <see cref="RequestHeader"/> and <see cref="RequestContent"/> instead.</exception>
    public Frame Request => _content.IsStreamed
        ? throw new InvalidOperationException("The request's content is streamed, not buffered: read RequestHeader and RequestContent (or RequestContentStream) instead of Request.")
        : _request;

    /// <summary>The connection the request came on: end points, TLS details, client certificate, items.</summary>
    public FrameConnectionInfo Connection { get; }

    /// <summary>Cancelled when the client goes away or the server aborts the connection.</summary>
    public CancellationToken Aborted => _aborted;

    /// <summary>Whether a response was written.</summary>
    public bool HasResponded { get; private set; }

    internal bool CloseRequested { get; private set; }

    // Decided when the response is written, not when the request came: a stop during the handler makes it the last,
    // and so does a whole response written while more content is unread than the server drains (a rejection, most
    // likely; the decision then stands). A streamed response is often written as the content is read (an echo, a
    // transform), so it is not marked; the connection still closes if too much is left unread at the end.
    private bool ClosesAfter(bool streamedResponse = false)
    {
        CloseRequested |= !streamedResponse && LeavesContentUnread;
        return _closesAfter || CloseRequested || Connection.StopRequested;
    }

    internal long ResponseLength => _response.Written;

    /// <summary>Closes the connection once this response is sent.</summary>
    public void CloseAfterResponse() => CloseRequested = true;

    /// <summary>Responds with a frame.</summary>
    /// <param name="frame">The response.</param>
    /// <exception cref="InvalidOperationException">A response was already written.</exception>
    public void Respond(in Frame frame)
    {
        StartResponse();
        FrameWriter.Write(_response, ClosesAfter() ? new Frame(ClosingHeader(frame.Header), frame.Content) : frame);
    }

    /// <summary>Responds with a header and its content.</summary>
    /// <param name="header">The header; its <c>content-length</c> must be the content's length.</param>
    /// <param name="content">The content.</param>
    /// <exception cref="InvalidOperationException">A response was already written.</exception>
    public void Respond(in FrameHeader header, ReadOnlySpan<byte> content)
    {
        if (header.ContentLength != content.Length)
        {
            throw new ArgumentException($"The content is {content.Length} bytes but the header's content-length is {header.ContentLength}.", nameof(content));
        }

        StartResponse();
        FrameWriter.Write(_response, ClosesAfter() ? ClosingHeader(header) : header, content);
    }

    /// <summary>Responds with JSON content, serialized with source-generated metadata (trim- and AOT-safe).</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The content.</param>
    /// <param name="typeInfo">Serialization metadata.</param>
    /// <exception cref="InvalidOperationException">A response was already written.</exception>
    public void RespondJson<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        StartResponse();
        JsonFrameWriter.Write(_response, value, typeInfo, ClosesAfter() ? ConnectionMember.CloseOnly : null);
    }

    /// <summary>Responds with an error reply (<see cref="FrameErrors"/>).</summary>
    /// <param name="code">The code, for example <see cref="FrameErrors.BadRequest"/>.</param>
    /// <param name="message">A message for the caller.</param>
    /// <exception cref="InvalidOperationException">A response was already written.</exception>
    public void RespondError(string code, string message)
    {
        StartResponse();
        FrameErrors.Write(_response, code, message, ClosesAfter());
    }

    /// <summary>Starts an exchange; <paramref name="closesAfter"/> when the server already knows it closes the connection after it, so the response says so.</summary>
    internal void Begin(in Frame request, CancellationToken aborted, bool closesAfter, PipeReader? streamedFrom = null)
    {
        _request = request;
        RequestHeader = request.Header;
        if (streamedFrom is null)
        {
            _content.StartBuffered(request.Content);
        }
        else
        {
            _content.StartStreamed(streamedFrom, request.Header.ContentLength);
        }

        _closesAfter = closesAfter;
        _aborted = aborted;
        HasResponded = false;
        ResponseBroken = false;
        _response.Written = 0;
    }

    internal void End()
    {
        _request = default;
        if (!_content.IsStreamed)
        {
            _content.Reset();
        }
    }

    /// <summary>Writes an error reply in place of a response that was never written (or failed before its first byte).</summary>
    internal void WriteErrorInstead(string code, string message)
    {
        HasResponded = true;
        FrameErrors.Write(_response, code, message, ClosesAfter());
    }

    private static FrameHeader ClosingHeader(in FrameHeader header) => header with { ExtraMembers = ConnectionMember.WithClose(header.ExtraMembers) };

    // Marks the response started before writing, so that a write that throws halfway cannot be followed by another frame.
    private void StartResponse()
    {
        if (HasResponded)
        {
            throw new InvalidOperationException("The handler already wrote a response frame: a request gets exactly one.");
        }

        HasResponded = true;
    }

    /// <summary>Passes writes to the pipe, counting them for the metrics.</summary>
    private sealed class ResponseWriter(PipeWriter output) : IBufferWriter<byte>
    {
        public long Written { get; set; }

        public void Advance(int count)
        {
            output.Advance(count);
            Written += count;
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => output.GetMemory(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => output.GetSpan(sizeHint);
    }
}
