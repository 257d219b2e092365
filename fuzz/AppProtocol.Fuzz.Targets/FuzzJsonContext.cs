using System.Text.Json;
using System.Text.Json.Serialization;

namespace AppProtocol.Fuzz;

/// <summary>Source-generated metadata for reading any JSON content as a <see cref="JsonElement"/>, and for quoting strings in messages.</summary>
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(string))]
internal sealed partial class FuzzJsonContext : JsonSerializerContext;
