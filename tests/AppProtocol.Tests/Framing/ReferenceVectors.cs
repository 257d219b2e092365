using System.Text.Json;

namespace AppProtocol.Tests.Framing;

/// <summary>The frames the Python reference produced (TestData/vectors.json, copied from shared/protocol).</summary>
public static class ReferenceVectors
{
    private static readonly Lazy<IReadOnlyList<Vector>> All = new(Load);

    public static IReadOnlyList<Vector> Frames => All.Value;

    /// <summary>Every request and response frame, by name, for [MemberData].</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (Vector v in Frames)
        {
            data.Add(v.Name);
        }

        return data;
    }

    public static Vector Get(string name) => Frames.Single(v => v.Name == name);

    private static IReadOnlyList<Vector> Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "TestData", "vectors.json");
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var list = new List<Vector>();
        foreach (JsonElement c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            foreach (string side in new[] { "request", "response" })
            {
                JsonElement frame = c.GetProperty(side);
                JsonElement header = frame.GetProperty("header");
                list.Add(new Vector(
                    $"{c.GetProperty("name").GetString()}/{side}",
                    Convert.FromHexString(frame.GetProperty("hex").GetString()!),
                    header.GetProperty("byteorder").GetString()!,
                    header.GetProperty("content-type").GetString()!,
                    header.GetProperty("content-encoding").GetString()!,
                    header.GetProperty("content-length").GetInt64(),
                    System.Text.Encoding.UTF8.GetBytes(frame.GetProperty("content_utf8").GetString()!)));
            }
        }

        return list;
    }

    public sealed record Vector(string Name, byte[] Bytes, string ByteOrder, string ContentType, string ContentEncoding, long ContentLength, byte[] Content)
    {
        public override string ToString() => Name;
    }
}
