using System.Text.Json.Serialization;

namespace AppProtocol.Samples.AppClient;

/// <summary>The server's JSON answer.</summary>
/// <param name="Result">The answer text.</param>
public sealed record SearchResponse([property: JsonPropertyName("result")] string? Result);

/// <summary>Source-generated serialization metadata, so the tool trims and needs no reflection.</summary>
[JsonSerializable(typeof(SearchResponse))]
public sealed partial class SearchJsonContext : JsonSerializerContext;
