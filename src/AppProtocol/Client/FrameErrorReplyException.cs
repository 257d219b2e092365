using AppProtocol.Framing;

namespace AppProtocol.Client;

/// <summary>The server answered with an error reply (see <see cref="FrameErrors"/>): it read the request and refused or failed it.</summary>
/// <remarks>
/// The connection is fine and stays in use. <see cref="Code"/> tells a rejected request (<see cref="FrameErrors.BadRequest"/>:
/// retrying it unchanged fails again) from a failure on the server's side (<see cref="FrameErrors.ServerError"/>: the
/// request may have had effects) or a server that will not take requests now, for example because it is shutting down
/// (<see cref="FrameErrors.Unavailable"/>: the request had no effect). The message names the server, the cause and
/// the server's own message.
/// </remarks>
public sealed class FrameErrorReplyException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="code">The error code.</param>
    /// <param name="errorMessage">The server's message, or <see langword="null"/>.</param>
    /// <param name="reply">The error reply frame.</param>
    public FrameErrorReplyException(string code, string? errorMessage, Frame reply)
        : this(code, errorMessage, reply, server: null)
    {
    }

    /// <summary>Creates the exception for a reply from <paramref name="server"/>, which the message names.</summary>
    internal FrameErrorReplyException(string code, string? errorMessage, Frame reply, string? server)
        : base(Describe(code, errorMessage, server))
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

    /// <summary>Whether the server said it did not act on the request (<see cref="FrameErrors.Unavailable"/>), so sending
    /// it again, later or elsewhere, cannot make it happen twice. <see langword="false"/> for the other codes: a
    /// <see cref="FrameErrors.BadRequest"/> is refused again if sent unchanged, and after a
    /// <see cref="FrameErrors.ServerError"/> the request may have had effects.</summary>
    public bool RequestNotProcessed => Code == FrameErrors.Unavailable;

    private static string Describe(string code, string? errorMessage, string? server)
    {
        string who = server is null ? "The server" : $"The server {server}";
        string said = ClientFailures.Sentence(errorMessage ?? "(no message)");
        return code switch
        {
            FrameErrors.BadRequest => $"{who} rejected the request ({code}): {said} Sending it again unchanged fails again.",
            FrameErrors.ServerError => $"{who} failed while handling the request ({code}): {said} {ClientFailures.MayHaveProcessed}",
            FrameErrors.Unavailable => $"{who} is not taking requests now, for example because it is shutting down ({code}): {said} {ClientFailures.NotProcessed}",
            _ => $"{who} answered with the error '{code}': {said} {ClientFailures.MayHaveProcessed}",
        };
    }
}
