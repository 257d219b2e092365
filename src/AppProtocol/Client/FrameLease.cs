using AppProtocol.Framing;

namespace AppProtocol.Client;

/// <summary>
/// A response whose content lives in a pooled buffer rather than a copy of its own, from
/// <see cref="FrameClient.SendLeasedAsync(Frame, CancellationToken)"/>: read <see cref="Frame"/>, then dispose the
/// lease to return the buffer.
/// </summary>
/// <remarks>
/// The response is copied out of the connection's read buffer into a buffer from <see cref="System.Buffers.ArrayPool{T}.Shared"/>
/// as it arrives, so the connection reads on while a caller holds a lease, and a lease held long holds up nobody.
/// Disposing twice, or disposing a copy of the lease, is harmless; reading <see cref="Frame"/> after disposing throws.
/// The default value holds no response.
/// </remarks>
public readonly struct FrameLease : IDisposable
{
    private readonly PendingRequest? _owner;
    private readonly short _version;
    private readonly Frame _frame;

    internal FrameLease(PendingRequest owner, Frame frame)
    {
        _owner = owner;
        _frame = frame;
        _version = owner.TakeLease();
    }

    /// <summary>The response; its content is valid until the lease is disposed.</summary>
    /// <exception cref="ObjectDisposedException">The lease was disposed, or holds no response.</exception>
    public Frame Frame => _owner is not null && _owner.HoldsLease(_version)
        ? _frame
        : throw new ObjectDisposedException(nameof(FrameLease), "The lease was disposed: its response's buffer went back to the pool.");

    /// <summary>Returns the response's buffer to the pool.</summary>
    public void Dispose() => _owner?.EndLease(_version);
}
