using System.Text.Json.Serialization;

namespace AppProtocol.Tests.Client;

public sealed record SearchQuery(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("value")] string Value);

public sealed record SearchAnswer([property: JsonPropertyName("result")] string Result);

[JsonSerializable(typeof(SearchQuery))]
[JsonSerializable(typeof(SearchAnswer))]
internal sealed partial class ReferenceJson : JsonSerializerContext;
