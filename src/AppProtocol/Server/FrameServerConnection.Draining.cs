namespace AppProtocol.Server;

/// <summary>
/// A stopping server's last request on a connection: one that has just answered may still send one, within
/// <see cref="FrameServerOptions.DrainGracePeriod"/>, and gets it answered with <c>"connection": "close"</c>.
/// </summary>
/// <remarks>
/// Without it, a request that a client sent right after an answer, as the stop began, met a closed connection: 26 of
/// 29,607 calls failed through HAProxy while three backends restarted in turn (tests/AppProtocol.Rolling). The
/// protocol has no way to tell a client unasked that the connection is closing, so the server waits a moment for the
/// request that is likely on its way, and closes connections idle for longer at once.
/// </remarks>
internal sealed partial class FrameServerConnection
{
    // When the connection last answered a batch (or was accepted): the grace counts from there.
    private long _lastAnswered;

    // Set once the stop has ended this connection's wait: it takes no more requests.
    private volatile bool _drainOver;

    /// <summary>Lets the waiting connection take one more request within the grace; false (and over) when the grace has passed.</summary>
    private bool DrainOrEnd(long now)
    {
        TimeSpan grace = _settings.DrainGracePeriod;
        TimeProvider clock = _settings.Clock;
        if (grace > TimeSpan.Zero && clock.GetElapsedTime(_lastAnswered, now) < grace)
        {
            _deadline.Set(DeadlineKind.Drain, _lastAnswered, grace, clock);
            return true;
        }

        _drainOver = true;
        return false;
    }
}
