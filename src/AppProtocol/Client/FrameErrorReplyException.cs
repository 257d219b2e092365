using AppProtocol.Framing;

namespace AppProtocol.Client;

/// <summary>The server answered with an error reply (see <see cref="FrameErrors"/>): it read the request and refused or failed it.</summary>
/// <remarks>
/// The connection is fine and stays in use. <see cref="Code"/> tells a rejected request (<see cref="FrameErrors.BadRequest"/>:
/// retrying it unchanged fails again) from a failure on the server's side (<see cref="FrameErrors.ServerError"/>) or a
/// server that will not take requests now (<see cref="FrameErrors.Unavailable"/>).
/// </remarks>
public sealed class FrameErrorReplyException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="code">The error code.</param>
    /// <param name="errorMessage">The server's message, or <see langword="null"/>.</param>
    /// <param name="reply">The error reply frame.</param>
    public FrameErrorReplyException(string code, string? errorMessage, Frame reply)
        : base($"The server answered '{code}': {errorMessage ?? "(no message)"}")
    {
        Code = code;
        ErrorMessage = errorMessage;
        Reply = reply;
    }

    /// <summary>The error code, for example <see cref="FrameErrors.BadRequest"/>.</summary>
    public string Code { get; }

    /// <summary>The server's message, or <see langword="null"/>.</summary>
    public string? ErrorMessage { get; }

    /// <summary>The error reply frame itself, owning its content.</summary>
    public Frame Reply { get; }
}
