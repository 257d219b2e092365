namespace AppProtocol.Transport.Features;

/// <summary>
/// Lets connection middleware bound how long its own step may take (a TLS handshake, a PROXY protocol header),
/// checked by the server's heartbeat; when the time runs out the connection is aborted.
/// </summary>
public interface IConnectionTimeoutFeature
{
    /// <summary>Aborts the connection if <see cref="ResetTimeout"/> is not called within <paramref name="timeout"/>.</summary>
    /// <param name="timeout">The time allowed; positive.</param>
    /// <param name="reason">What is being waited for, for the log line (for example "in the TLS handshake").</param>
    void SetTimeout(TimeSpan timeout, string reason);

    /// <summary>Cancels the timeout set by <see cref="SetTimeout"/>.</summary>
    void ResetTimeout();
}
