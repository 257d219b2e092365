namespace AppProtocol.Transport.Features;

/// <summary>
/// A transport's way to wait for a connection's next bytes without holding a read buffer, so that an idle
/// connection costs only its socket. Transports without it are waited on through their pipe.
/// </summary>
public interface IWaitForDataFeature
{
    /// <summary>Waits until the peer sends bytes or ends its stream, or <see cref="EndWait"/> is called; consumes nothing.</summary>
    /// <returns>A task whose value is meaningless (a zero-byte read's 0): it returns the socket's own task, so a pending wait holds no state of its own.</returns>
    ValueTask<int> WaitForDataAsync();

    /// <summary>Whether bytes are waiting to be read now; after a wait, <see langword="false"/> means the peer ended or reset its stream.</summary>
    bool IsDataAvailable { get; }

    /// <summary>Ends a pending <see cref="WaitForDataAsync"/> for good: the connection will not be read again, but can still send.</summary>
    void EndWait();
}
