namespace AppProtocol.Transport.Features;

/// <summary>A connection's raw byte stream, for layering a protocol such as TLS over it; use either it or the connection's pipe, not both.</summary>
public interface IConnectionStreamFeature
{
    /// <summary>The stream; disposing it closes the connection.</summary>
    Stream Stream { get; }
}
