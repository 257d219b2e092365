using System.Net;

namespace AppProtocol.Transport.InMemory;

/// <summary>The address of an <see cref="InMemoryTransport"/>: a name, for logs.</summary>
/// <param name="name">The name.</param>
public sealed class InMemoryEndPoint(string name) : EndPoint
{
    /// <summary>The name.</summary>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public override string ToString() => $"inmemory:{Name}";
}
