using System.Text.Json.Serialization;

namespace AppServer;

/// <summary>A <c>text/json</c> request: <c>{"action": "search", "value": "morpheus"}</c>.</summary>
/// <remarks>Settable properties rather than constructor parameters or <c>init</c>: System.Text.Json then fills the
/// object as it reads, instead of gathering constructor arguments in a pooled array first.</remarks>
public sealed class AppRequest
{
    /// <summary>The action, <c>search</c> for the table; a missing member is <see langword="null"/>.</summary>
    [JsonPropertyName("action")]
    public string? Action { get; set; }

    /// <summary>The value searched for; a missing member is <see langword="null"/>.</summary>
    [JsonPropertyName("value")]
    public string? Value { get; set; }
}

/// <summary>A <c>text/json</c> answer: <c>{"result": "..."}</c>.</summary>
public sealed record AppResponse([property: JsonPropertyName("result")] string Result);

/// <summary>Source-generated serialization for the messages (no reflection, trim- and AOT-safe).</summary>
[JsonSerializable(typeof(AppRequest))]
[JsonSerializable(typeof(AppResponse))]
public sealed partial class AppJsonContext : JsonSerializerContext;
