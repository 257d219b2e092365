using System.Text.Json;

namespace AppProtocol.Framing;

/// <summary>
/// The <c>"connection": "close"</c> header member (docs/PROTOCOL.md, extension E2): the server will close the connection
/// after this response and read nothing more on it, as HTTP's <c>Connection: close</c> says. A client sends its next
/// request on another connection. Reference peers ignore it.
/// </summary>
public static class ConnectionMember
{
    /// <summary>The member's name.</summary>
    public const string Name = "connection";

    /// <summary>The value that announces the close.</summary>
    public const string Close = "close";

    private static readonly JsonElement CloseValue = JsonElement.Parse("\"close\"");

    /// <summary>The extra members of a last response: just <c>"connection": "close"</c>.</summary>
    public static IReadOnlyDictionary<string, JsonElement> CloseOnly { get; } = new Dictionary<string, JsonElement>(StringComparer.Ordinal) { [Name] = CloseValue };

    /// <summary>Whether a header announces that its connection closes after it.</summary>
    /// <param name="header">The header.</param>
    /// <returns><see langword="true"/> for <c>"connection": "close"</c>.</returns>
    public static bool IsClose(in FrameHeader header) =>
        header.ExtraMembers is { } extra && extra.TryGetValue(Name, out JsonElement value)
        && value.ValueKind == JsonValueKind.String && value.ValueEquals(Close);

    /// <summary><paramref name="extra"/> with <c>"connection": "close"</c> added.</summary>
    /// <param name="extra">A header's extra members, or <see langword="null"/>.</param>
    /// <returns>The members to write.</returns>
    public static IReadOnlyDictionary<string, JsonElement> WithClose(IReadOnlyDictionary<string, JsonElement>? extra)
    {
        if (extra is null || extra.Count == 0)
        {
            return CloseOnly;
        }

        var merged = new Dictionary<string, JsonElement>(extra, StringComparer.Ordinal) { [Name] = CloseValue };
        return merged;
    }
}
