using System.Text.Json.Serialization;

namespace AppProtocol.Rolling;

/// <summary>The sample's search request, <c>{"action": "search", "value": ...}</c>.</summary>
internal sealed record SearchRequest([property: JsonPropertyName("action")] string Action, [property: JsonPropertyName("value")] string Value);

/// <summary>The sample's answer, <c>{"result": ...}</c>.</summary>
internal sealed record SearchResponse([property: JsonPropertyName("result")] string Result);

[JsonSerializable(typeof(SearchRequest))]
[JsonSerializable(typeof(SearchResponse))]
internal sealed partial class RollingJsonContext : JsonSerializerContext;
