namespace AppProtocol.Framing;

/// <summary>A frame broke the protocol. The connection it came from cannot be trusted further and should be closed.</summary>
/// <remarks>Derives from <see cref="IOException"/>, so that code handling a broken connection handles this one too.</remarks>
public sealed class ProtocolException : IOException
{
    /// <summary>Creates an exception with a reason and a message that names the problem.</summary>
    /// <param name="error">The machine-readable reason.</param>
    /// <param name="message">A message for people, naming what was wrong.</param>
    /// <param name="innerException">The exception that revealed the problem, if any.</param>
    public ProtocolException(ProtocolError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    /// <summary>The machine-readable reason.</summary>
    public ProtocolError Error { get; }
}
