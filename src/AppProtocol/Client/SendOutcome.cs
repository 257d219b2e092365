using AppProtocol.Framing;

namespace AppProtocol.Client;

/// <summary>What became of a request on one connection: its response, or the request may go out on another one.</summary>
/// <param name="Response">The response, when one came.</param>
/// <param name="ResendReason">Without a response: why the server cannot have read the request, once it went out or the
/// connection was found closed by the server (this costs an attempt); <see langword="null"/> when the connection had been
/// retired before the request was written (no attempt spent).</param>
internal readonly record struct SendOutcome(Frame? Response, string? ResendReason)
{
    /// <summary>Not written: the connection takes no more requests.</summary>
    public static SendOutcome NotSent => default;

    public static SendOutcome Unread(string reason) => new(null, reason);
}
