namespace AppProtocol.Tests.Hostile;

/// <summary>What the server must do with a hostile client.</summary>
public enum HostileOutcome
{
    /// <summary>The request is answered with a frame.</summary>
    Served,

    /// <summary>The request is answered with a bad-request error reply (its framing was sound, its content not).</summary>
    Rejected,

    /// <summary>The server closes the connection without answering.</summary>
    Closed,

    /// <summary>The client vanished (reset): the server only has to release the connection.</summary>
    Released,
}

/// <summary>One way a client can misbehave, with the outcome the server owes it.</summary>
/// <param name="Name">The case, as the theory shows it.</param>
/// <param name="Expected">The outcome.</param>
/// <param name="Act">What the client does, on a connected client.</param>
/// <param name="FrameTimeout">The server's frame timeout for this case; short only where a stall must be cut.</param>
public sealed record HostileClient(string Name, HostileOutcome Expected, Func<AppProtocol.Tests.Server.RawClient, Task> Act, TimeSpan? FrameTimeout = null);
