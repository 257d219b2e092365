using System.Buffers;
using System.Text.Json;

namespace AppProtocol.Samples.FileClient;

/// <summary>The request header's extra members that say what to do with which file (samples/FileTransfer/README.md).</summary>
internal static class HeaderMembers
{
    /// <summary>The file's content type on the wire, as file-server answers downloads.</summary>
    public const string ContentType = "binary/octet-stream";

    /// <summary><c>"action"</c>, <c>"name"</c> and, when asked, <c>"overwrite": true</c>; written with a JSON writer, no reflection.</summary>
    public static IReadOnlyDictionary<string, JsonElement> For(string action, string name, bool overwrite)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("action", action);
            writer.WriteString("name", name);
            if (overwrite)
            {
                writer.WriteBoolean("overwrite", true);
            }

            writer.WriteEndObject();
        }

        using JsonDocument members = JsonDocument.Parse(buffer.WrittenMemory);
        return members.RootElement.EnumerateObject().ToDictionary(m => m.Name, m => m.Value.Clone());
    }
}
