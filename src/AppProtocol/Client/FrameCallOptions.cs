namespace AppProtocol.Client;

/// <summary>How one call is made, where it differs from the client's <see cref="FrameClientOptions"/>.</summary>
/// <remarks>Immutable once built: keep one instance per kind of call and pass it to every such call.</remarks>
public sealed class FrameCallOptions
{
    /// <summary>A call that may safely be processed twice, as <see cref="Idempotent"/> says.</summary>
    public static FrameCallOptions IdempotentCall { get; } = new() { Idempotent = true };

    /// <summary>
    /// Whether this request may safely be processed twice (a search, a read): then, when its connection fails after
    /// the server may have read it, it is sent again on a new connection within the same three attempts, as with
    /// <see cref="FrameClientOptions.RequestsAreIdempotent"/> for every request. Default <see langword="false"/>: the
    /// client's setting applies.
    /// </summary>
    public bool Idempotent { get; init; }
}
