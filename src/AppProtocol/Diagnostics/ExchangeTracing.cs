using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AppProtocol.Framing;

namespace AppProtocol.Diagnostics;

/// <summary>
/// The spans of exchanges, with OpenTelemetry's attributes where they apply, joined across the wire by W3C trace
/// context in the header's extra members <c>traceparent</c> and <c>tracestate</c> (docs/PROTOCOL.md, E3).
/// </summary>
internal static class ExchangeTracing
{
    /// <summary>The header member with the W3C <c>traceparent</c> of the client's span.</summary>
    public const string TraceParentMember = "traceparent";

    /// <summary>The header member with the W3C <c>tracestate</c>, when the client's span has one.</summary>
    public const string TraceStateMember = "tracestate";

    public static readonly ActivitySource Source = new(AppProtocolDiagnostics.ActivitySourceName, typeof(ExchangeTracing).Assembly.GetName().Version?.ToString());

    /// <summary>A server span for a request, child of the client's span when the header carries one; <see langword="null"/> when nobody listens.</summary>
    public static Activity? StartServer(in FrameHeader request, EndPoint? local, EndPoint? remote)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        ActivityContext parent = default;
        if (request.ExtraMembers is { } members && Text(members, TraceParentMember) is { } traceParent)
        {
            ActivityContext.TryParse(traceParent, Text(members, TraceStateMember), isRemote: true, out parent);
        }

        Activity? activity = Source.StartActivity(AppProtocolDiagnostics.ExchangeActivityName, ActivityKind.Server, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("network.protocol.name", "appprotocol");
            AddEndPoint(activity, local, "server.address", "server.port");
            AddEndPoint(activity, remote, "network.peer.address", "network.peer.port");
            activity.SetTag("appprotocol.request.content_type", request.ContentType);
        }

        return activity;
    }

    /// <summary>Marks a span failed, with OpenTelemetry's <c>error.type</c>.</summary>
    public static void Failed(Activity? activity, string errorType, string? description)
    {
        if (activity is not null)
        {
            activity.SetTag("error.type", errorType);
            activity.SetStatus(ActivityStatusCode.Error, description);
        }
    }

    private static void AddEndPoint(Activity activity, EndPoint? endPoint, string addressTag, string portTag)
    {
        switch (endPoint)
        {
            case IPEndPoint ip:
                activity.SetTag("network.transport", "tcp");
                activity.SetTag(addressTag, ip.Address.ToString());
                activity.SetTag(portTag, ip.Port);
                break;
            case UnixDomainSocketEndPoint unix:
                activity.SetTag("network.transport", "unix");
                activity.SetTag(addressTag, unix.ToString());
                break;
        }
    }

    private static string? Text(IReadOnlyDictionary<string, JsonElement> members, string name) =>
        members.TryGetValue(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
