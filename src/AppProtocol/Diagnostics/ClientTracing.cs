using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace AppProtocol.Diagnostics;

/// <summary>
/// The client's span per exchange, with OpenTelemetry's attributes, and its W3C trace context written into the
/// request header's extra members <c>traceparent</c> and <c>tracestate</c> (docs/PROTOCOL.md, E3), so that the
/// server's span joins the client's trace.
/// </summary>
internal static class ClientTracing
{
    // The first bytes the injection looks for: a header that carries trace context already keeps its own.
    private static readonly byte[] TraceParentName = Encoding.UTF8.GetBytes($"\"{ExchangeTracing.TraceParentMember}\"");

    /// <summary>A client span for one request, child of the current span; <see langword="null"/> when nobody listens.</summary>
    public static Activity? Start(ClientTarget target)
    {
        if (!ExchangeTracing.Source.HasListeners())
        {
            return null;
        }

        Activity? activity = ExchangeTracing.Source.StartActivity(AppProtocolDiagnostics.ExchangeActivityName, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("network.protocol.name", "appprotocol");
            activity.SetTag("network.transport", target.Transport);
            activity.SetTag("server.address", target.Address);
            if (target.Port is { } port)
            {
                activity.SetTag("server.port", port);
            }
        }

        return activity;
    }

    /// <summary>
    /// The encoded request (a whole frame) with <paramref name="activity"/>'s trace context as the header's last
    /// members; the request unchanged when its header has a <c>traceparent</c> already, does not end as the library
    /// writes it, or would outgrow the 2-byte header length.
    /// </summary>
    /// <remarks>A copy of the frame, made only for a traced request: the connection sends one contiguous frame.</remarks>
    public static ReadOnlyMemory<byte> Inject(ReadOnlyMemory<byte> request, Activity activity)
    {
        ReadOnlySpan<byte> frame = request.Span;
        if (activity.Id is not { } traceParent || activity.IdFormat != ActivityIdFormat.W3C || frame.Length < 2)
        {
            return request;
        }

        int headerLength = BinaryPrimitives.ReadUInt16BigEndian(frame);
        if (frame.Length < 2 + headerLength || headerLength < 2 || frame[1 + headerLength] != (byte)'}'
            || frame.Slice(2, headerLength).IndexOf(TraceParentName) >= 0)
        {
            return request;
        }

        string members = Members(traceParent, activity.TraceStateString);
        int added = Encoding.UTF8.GetByteCount(members);
        if (headerLength + added > ushort.MaxValue)
        {
            return request;
        }

        // [length][header without its '}'][members][}][content]
        var injected = new byte[frame.Length + added];
        BinaryPrimitives.WriteUInt16BigEndian(injected, (ushort)(headerLength + added));
        frame.Slice(2, headerLength - 1).CopyTo(injected.AsSpan(2));
        Encoding.UTF8.GetBytes(members, injected.AsSpan(1 + headerLength));
        injected[1 + headerLength + added] = (byte)'}';
        frame[(2 + headerLength)..].CopyTo(injected.AsSpan(2 + headerLength + added));
        return injected;
    }

    // W3C values are printable ASCII; tracestate may hold a quote or a backslash, which JSON escapes. A tracestate
    // with anything else is not W3C's and is left out.
    private static string Members(string traceParent, string? traceState)
    {
        string members = $", \"{ExchangeTracing.TraceParentMember}\": \"{traceParent}\"";
        if (string.IsNullOrEmpty(traceState) || traceState.Any(c => c is < ' ' or > '~'))
        {
            return members;
        }

        return $"{members}, \"{ExchangeTracing.TraceStateMember}\": \"{traceState.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
    }
}
