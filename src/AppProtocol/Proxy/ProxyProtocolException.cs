namespace AppProtocol.Proxy;

/// <summary>A PROXY protocol header broke the specification: the connection cannot be trusted and is closed.</summary>
/// <remarks>Derives from <see cref="IOException"/>, as <see cref="Framing.ProtocolException"/> does, so that code handling a broken connection handles this one too.</remarks>
public sealed class ProxyProtocolException : IOException
{
    /// <summary>Creates an exception with a reason and a message that names the problem.</summary>
    /// <param name="error">The rule broken.</param>
    /// <param name="message">A message for people, naming what was wrong.</param>
    public ProxyProtocolException(ProxyProtocolError error, string message)
        : base(message)
    {
        Error = error;
    }

    /// <summary>The rule broken.</summary>
    public ProxyProtocolError Error { get; }
}
