using System.Text.Json.Serialization;
using AppProtocol.Json;
using AppProtocol.Server;

namespace AppProtocol.Soak;

/// <summary>A search request in the reference's format: <c>{"action": "search", "value": ...}</c>.</summary>
public sealed record SoakRequest(string Action, string Value);

/// <summary>The answer: <c>{"result": ...}</c>.</summary>
public sealed record SoakResponse(string Result);

/// <summary>The soak's own application: each JSON request is answered with the value it carries, so that every answer can be checked against its request.</summary>
public static class SoakHandler
{
    public static ValueTask HandleAsync(FrameExchange exchange, CancellationToken cancellationToken)
    {
        SoakRequest? request = JsonFrameReader.Read(exchange.Request, SoakJsonContext.Default.SoakRequest);
        exchange.RespondJson(new SoakResponse(request?.Value ?? ""), SoakJsonContext.Default.SoakResponse);
        return ValueTask.CompletedTask;
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SoakRequest))]
[JsonSerializable(typeof(SoakResponse))]
internal sealed partial class SoakJsonContext : JsonSerializerContext;
