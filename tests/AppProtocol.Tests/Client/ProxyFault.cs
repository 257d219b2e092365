namespace AppProtocol.Tests.Client;

/// <summary>What a <see cref="ProxyPipe"/> does when it reaches the cut a test set with <see cref="ProxyPipe.CutAfter"/>.</summary>
internal enum ProxyFault
{
    /// <summary>Resets both sides of the link (RST), as a crashed middlebox or a server's kernel does.</summary>
    Reset,

    /// <summary>Sends the receiver a FIN, as a peer that closes does, and discards whatever the source sends after.</summary>
    HalfClose,

    /// <summary>Discards every later byte silently and keeps the connection open: the receiver waits for ever.</summary>
    Drop,
}
