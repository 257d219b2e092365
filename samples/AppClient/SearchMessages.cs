using System.Text.Json.Serialization;

namespace AppProtocol.Samples.AppClient;

/// <summary>The JSON request of the search action.</summary>
/// <param name="Action">Always <c>search</c> from this client.</param>
/// <param name="Value">What to look up.</param>
public sealed record SearchRequest(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("value")] string Value);

/// <summary>The server's JSON answer.</summary>
/// <param name="Result">The answer text.</param>
public sealed record SearchResponse([property: JsonPropertyName("result")] string? Result);

/// <summary>Source-generated serialization metadata, so the tool trims and needs no reflection.</summary>
[JsonSerializable(typeof(SearchRequest))]
[JsonSerializable(typeof(SearchResponse))]
public sealed partial class SearchJsonContext : JsonSerializerContext;
