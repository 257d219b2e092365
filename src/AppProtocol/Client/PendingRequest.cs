using AppProtocol.Framing;

namespace AppProtocol.Client;

/// <summary>
/// One request on one <see cref="FrameConnection"/>, from being queued for the wire until its response arrives: what
/// its caller awaits, and whether a caller still awaits it.
/// </summary>
/// <remarks>The connection's lock guards <see cref="Detached"/>; completing is thread-safe and happens once.</remarks>
internal sealed class PendingRequest(ReadOnlyMemory<byte> encoded)
{
    private readonly TaskCompletionSource<Frame> _response = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The whole encoded request frame.</summary>
    public ReadOnlyMemory<byte> Encoded => encoded;

    /// <summary>Completes with the response, or fails with why none will come.</summary>
    public Task<Frame> Response => _response.Task;

    /// <summary>Whether no caller awaits <see cref="Response"/> any more (it cancelled, or its request goes out again on
    /// another connection): a response that comes is discarded, and the connection does not stay open for it.</summary>
    public bool Detached { get; set; }

    public void Answer(Frame response) => _response.TrySetResult(response);

    public void Fail(Exception error) => _response.TrySetException(error);

    /// <summary>The server cannot have read this request: its caller may send it on another connection.</summary>
    public void ReleaseUnread(string reason) => _response.TrySetException(new RequestUnreadException(reason));
}
