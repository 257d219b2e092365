using System.Text.Json.Serialization;

namespace KestrelPeer;

internal sealed class SearchRequest
{
    [JsonPropertyName("action")]
    public string? Action { get; set; }

    [JsonPropertyName("value")]
    public string? Value { get; set; }
}

internal sealed record SearchResponse([property: JsonPropertyName("result")] string Result);

[JsonSerializable(typeof(SearchRequest))]
[JsonSerializable(typeof(SearchResponse))]
internal sealed partial class PeerJsonContext : JsonSerializerContext;

/// <summary>SPEC section 3's answers.</summary>
internal static class Answers
{
    private static readonly Dictionary<string, string> Table = new(StringComparer.Ordinal)
    {
        ["morpheus"] = "Follow the white rabbit. \U0001F430",
        ["ring"] = "In the caves beneath the Misty Mountains. \U0001F48D",
        ["\U0001F436"] = "\U0001F43E Playing ball! \U0001F3D0",
    };

    public static ReadOnlySpan<byte> BinaryPrefix => "First 10 bytes of request: "u8;

    public static string For(SearchRequest? request)
    {
        string action = request?.Action ?? "None";
        if (action != "search")
        {
            return $"Error: invalid action '{action}'.";
        }

        string value = request?.Value ?? "None";
        return Table.TryGetValue(value, out string? result) ? result : $"No match for '{value}'.";
    }
}
