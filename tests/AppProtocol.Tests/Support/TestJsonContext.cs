using System.Text.Json.Serialization;

namespace AppProtocol.Tests.Support;

/// <summary>The sample's search request, for tests of JSON content.</summary>
public sealed record SearchRequest(string Action, string Value);

/// <summary>A list of strings that counts how often it was serialized.</summary>
public sealed class CountedStrings(string[] items) : IJsonOnSerializing
{
    [JsonPropertyName("items")]
    public string[] Items { get; } = items;

    [JsonIgnore]
    public int Serializations { get; private set; }

    void IJsonOnSerializing.OnSerializing() => Serializations++;
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SearchRequest))]
[JsonSerializable(typeof(CountedStrings))]
internal sealed partial class TestJsonContext : JsonSerializerContext;
