using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AppProtocol.Diagnostics;

/// <summary>
/// What every server measurement says about where a connection came in: OpenTelemetry's <c>network.transport</c>,
/// <c>server.address</c> and <c>server.port</c>. One instance per listen end point, shared by its connections.
/// </summary>
internal sealed class MetricTags
{
    private readonly KeyValuePair<string, object?>[] _tags;

    public MetricTags(EndPoint? listen)
    {
        _tags = listen switch
        {
            IPEndPoint ip => [new("network.transport", "tcp"), new("server.address", ip.Address.ToString()), new("server.port", ip.Port)],
            UnixDomainSocketEndPoint unix => [new("network.transport", "unix"), new("server.address", unix.ToString())],
            null => [],
            _ => [new("network.transport", "inproc"), new("server.address", listen.ToString())],
        };
    }

    /// <summary>The tags; the <see cref="TagList"/> keeps up to eight without allocating.</summary>
    public TagList List => new(_tags);

    /// <summary>The tags and one more.</summary>
    public TagList With(string key, object? value)
    {
        TagList list = List;
        list.Add(key, value);
        return list;
    }
}
