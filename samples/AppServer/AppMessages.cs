using System.Text.Json.Serialization;

namespace AppServer;

/// <summary>A <c>text/json</c> request: <c>{"action": "search", "value": "morpheus"}</c>.</summary>
public sealed record AppRequest(
    [property: JsonPropertyName("action")] string? Action,
    [property: JsonPropertyName("value")] string? Value);

/// <summary>A <c>text/json</c> answer: <c>{"result": "..."}</c>.</summary>
public sealed record AppResponse([property: JsonPropertyName("result")] string Result);

/// <summary>Source-generated serialization for the messages (no reflection, trim- and AOT-safe).</summary>
[JsonSerializable(typeof(AppRequest))]
[JsonSerializable(typeof(AppResponse))]
public sealed partial class AppJsonContext : JsonSerializerContext;
