using System.Diagnostics;

namespace AppProtocol.Diagnostics;

/// <summary>
/// The server a client talks to, as its spans and measurements name it (OpenTelemetry's <c>network.transport</c>,
/// <c>server.address</c>, <c>server.port</c>), and how many connections the client has open to it. One per client.
/// </summary>
internal sealed class ClientTarget
{
    private readonly KeyValuePair<string, object?>[] _tags;
    private readonly Func<int> _openConnections;

    /// <summary>A TCP server by host and port, or a Unix socket by path.</summary>
    public ClientTarget(string? host, int port, string? unixSocketPath, Func<int> openConnections)
    {
        _openConnections = openConnections;
        (Transport, Address, Port) = unixSocketPath is not null ? ("unix", unixSocketPath, null) : ("tcp", host ?? "", (int?)port);
        _tags = Port is { } p
            ? [new("network.transport", Transport), new("server.address", Address), new("server.port", p)]
            : [new("network.transport", Transport), new("server.address", Address)];
    }

    public string Transport { get; }

    public string Address { get; }

    public int? Port { get; }

    /// <summary>The tags; the <see cref="TagList"/> keeps up to eight without allocating.</summary>
    public TagList Tags => new(_tags);

    public int OpenConnections() => _openConnections();

    /// <summary>The tags and one more.</summary>
    public TagList With(string key, object? value)
    {
        TagList list = Tags;
        list.Add(key, value);
        return list;
    }
}
