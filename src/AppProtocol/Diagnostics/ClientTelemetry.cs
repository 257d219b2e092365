using System.Diagnostics;
using AppProtocol.Client;
using AppProtocol.Framing;

namespace AppProtocol.Diagnostics;

/// <summary>
/// What a <see cref="FrameClient"/> reports per call, in one place so that the client calls it once: a client span
/// whose trace context goes out in the request header (<see cref="ClientTracing"/>), and the client meter
/// (<see cref="ClientMetrics"/>). With no listener, <see cref="IsEnabled"/> is false and the client skips it all.
/// </summary>
internal sealed class ClientTelemetry
{
    private readonly ClientTarget _target;
    private readonly Func<ReadOnlyMemory<byte>, bool, CancellationToken, ValueTask<Frame>> _send;

    /// <summary>Creates the telemetry of one client.</summary>
    /// <param name="options">The client's options: the server it names.</param>
    /// <param name="openConnections">Counts the client's open connections, when a meter listener asks.</param>
    /// <param name="send">Sends an encoded request, unobserved.</param>
    public ClientTelemetry(FrameClientOptions options, Func<int> openConnections, Func<ReadOnlyMemory<byte>, bool, CancellationToken, ValueTask<Frame>> send)
    {
        _target = new ClientTarget(options.Host, options.Port, options.UnixSocketPath, openConnections);
        _send = send;
        ClientMetrics.Shared.Track(_target);
    }

    /// <summary>Whether anyone listens to the client's spans or per-call instruments.</summary>
    public bool IsEnabled => ExchangeTracing.Source.HasListeners() || ClientMetrics.Shared.Enabled;

    /// <summary>Sends the request inside a client span (its trace context injected into the header), measured.</summary>
    public async ValueTask<Frame> ObserveAsync(ReadOnlyMemory<byte> request, bool idempotent, CancellationToken cancellationToken)
    {
        using Activity? activity = ClientTracing.Start(_target);
        if (activity is not null)
        {
            request = ClientTracing.Inject(request, activity);
        }

        long start = Stopwatch.GetTimestamp();
        ClientMetrics.Shared.RequestStarted(_target);
        string? errorType = null;
        try
        {
            return await _send(request, idempotent, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            errorType = ErrorType(ex);
            ExchangeTracing.Failed(activity, errorType, ex.Message);
            throw;
        }
        finally
        {
            ClientMetrics.Shared.RequestEnded(_target, start, errorType);
        }
    }

    /// <summary>OpenTelemetry's <c>error.type</c> of a failed call: low-cardinality, the most precise that the failure says.</summary>
    internal static string ErrorType(Exception exception) => exception switch
    {
        FrameErrorReplyException { Code: FrameErrors.BadRequest or FrameErrors.ServerError or FrameErrors.Unavailable } reply => reply.Code,
        FrameErrorReplyException => "error-reply",   // a code of the server's own: not a tag value, which must stay few
        FrameClientTimeoutException => "timeout",
        ProtocolException protocol => protocol.Error.ToString(),
        FrameClientException => "connection",
        OperationCanceledException => "cancelled",
        _ => exception.GetType().FullName ?? "unknown",
    };
}
