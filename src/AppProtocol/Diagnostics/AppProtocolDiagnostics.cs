namespace AppProtocol.Diagnostics;

/// <summary>The names to subscribe to: the meter and the activity source of AppProtocol's servers and clients.</summary>
/// <remarks>With OpenTelemetry: <c>.WithMetrics(m =&gt; m.AddMeter(AppProtocolDiagnostics.MeterName))</c> and
/// <c>.WithTracing(t =&gt; t.AddSource(AppProtocolDiagnostics.ActivitySourceName))</c>.</remarks>
public static class AppProtocolDiagnostics
{
    /// <summary>The meter's name: <c>AppProtocol</c>.</summary>
    public const string MeterName = "AppProtocol";

    /// <summary>The activity source's name: <c>AppProtocol</c>. A server starts a span per exchange, a client one per request.</summary>
    public const string ActivitySourceName = "AppProtocol";

    /// <summary>The name of every span, server or client (its kind tells which): <c>AppProtocol exchange</c>.</summary>
    public const string ExchangeActivityName = "AppProtocol exchange";
}
