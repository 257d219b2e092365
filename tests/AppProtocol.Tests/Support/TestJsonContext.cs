using System.Text.Json.Serialization;

namespace AppProtocol.Tests.Support;

/// <summary>A search request in the reference's format, for tests of JSON content and for <see cref="SearchHandler"/>.</summary>
public sealed record SearchRequest(string Action, string Value);

/// <summary>The answer to a <see cref="SearchRequest"/>: <c>{"result": ...}</c>.</summary>
public sealed record SearchResponse(string Result);

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
[JsonSerializable(typeof(SearchResponse))]
[JsonSerializable(typeof(CountedStrings))]
[JsonSerializable(typeof(string))]
internal sealed partial class TestJsonContext : JsonSerializerContext;
