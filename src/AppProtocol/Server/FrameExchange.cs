using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using AppProtocol.Framing;

namespace AppProtocol.Server;

/// <summary>One request and the place its response goes. One instance per connection, reused for each request.</summary>
/// <remarks>
/// <see cref="Request"/> is a view of the connection's read buffer and <see cref="Response"/> writes into its
/// output pipe: both are valid only during the <see cref="FrameHandler"/> call. Write exactly one frame, for example
/// with <see cref="FrameWriter"/> or <see cref="Json.JsonFrameWriter"/>; the server flushes once it has answered
/// every whole request it had already received, so pipelined requests go out in one write.
/// </remarks>
public sealed class FrameExchange
{
    private readonly ResponseWriter _response;

    internal FrameExchange(long connectionId, EndPoint? remoteEndPoint, PipeWriter output)
    {
        ConnectionId = connectionId;
        RemoteEndPoint = remoteEndPoint;
        _response = new ResponseWriter(output);
    }

    /// <summary>The request frame; its content is valid only during the handler call (<see cref="Frame.Clone"/> keeps it).</summary>
    public Frame Request { get; private set; }

    /// <summary>Where the handler writes the one response frame.</summary>
    public IBufferWriter<byte> Response => _response;

    /// <summary>The client's end point, or <see langword="null"/> when unknown (e.g. an unnamed Unix socket).</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>The connection's number, unique within the server.</summary>
    public long ConnectionId { get; }

    internal bool CloseRequested { get; private set; }

    internal long ResponseLength => _response.Written;

    /// <summary>Closes the connection once this response is sent.</summary>
    public void CloseAfterResponse() => CloseRequested = true;

    internal void Begin(in Frame request)
    {
        Request = request;
        _response.Written = 0;
    }

    internal void End() => Request = default;

    /// <summary>Passes writes to the pipe, counting them so the server can check that a response was written.</summary>
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
