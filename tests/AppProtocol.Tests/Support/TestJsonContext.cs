using System.Text.Json.Serialization;

namespace AppProtocol.Tests.Support;

/// <summary>The sample's search request, for tests of JSON content.</summary>
public sealed record SearchRequest(string Action, string Value);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SearchRequest))]
internal sealed partial class TestJsonContext : JsonSerializerContext;
