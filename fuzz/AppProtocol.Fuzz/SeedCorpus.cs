using System.Text.Json;
using AppProtocol.Fuzz;

/// <summary>Writes the seed corpus: every reference frame whole and in awkward chunks, pipelined pairs, and a few malformed frames.</summary>
internal static class SeedCorpus
{
    public static int Write(string vectorsPath, string folder)
    {
        Directory.CreateDirectory(folder);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(vectorsPath));
        var frames = new List<byte[]>();
        foreach (JsonElement c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            string name = c.GetProperty("name").GetString()!;
            foreach (string side in (string[])["request", "response"])
            {
                byte[] frame = Convert.FromHexString(c.GetProperty(side).GetProperty("hex").GetString()!);
                frames.Add(frame);
                Save(folder, $"{name}-{side}", FuzzInput.Encode(frame, [0xFF]));
            }
        }

        // Awkward segmenting: one byte at a time, and chunks that split the protoheader and the header.
        Save(folder, "split-bytewise", FuzzInput.Encode(frames[0], []));
        Save(folder, "split-1-2-6", FuzzInput.Encode(frames[0], [0, 1, 5]));
        Save(folder, "pipelined-two", FuzzInput.Encode([.. frames[0], .. frames[1]], [2, 30]));
        Save(folder, "small-limits", FuzzInput.Encode(frames[0], [7], smallLimits: true));

        byte[] binary = Frame("""{"byteorder": "big", "content-type": "binary/x", "content-encoding": "binary", "content-length": 3, "x": {"y": [1, null]}}"""u8, "abc"u8);
        Save(folder, "extra-members", FuzzInput.Encode(binary, [0xFF]));
        Save(folder, "zero-length", FuzzInput.Encode(Frame("""{"byteorder":"little","content-length":0,"content-type":"a","content-encoding":"binary"}"""u8, []), [3]));
        Save(folder, "utf16-content", FuzzInput.Encode(Frame("""{"byteorder":"little","content-length":6,"content-type":"text/json","content-encoding":"utf-16"}"""u8, [0xFF, 0xFE, (byte)'1', 0, (byte)'2', 0]), [0xFF]));
        Save(folder, "bad-protoheader-zero", FuzzInput.Encode([0, 0, .. "{}"u8], [0xFF]));
        Save(folder, "bad-little-endian", FuzzInput.Encode([.. frames[0].AsSpan(0, 2).ToArray().Reverse(), .. frames[0].AsSpan(2)], [0xFF]));
        Save(folder, "bad-duplicate-escaped", FuzzInput.Encode(Frame("""{"byteorder":"big","content-length":1,"content\u002dlength":1,"content-type":"a","content-encoding":"b"}"""u8, "x"u8), [0xFF]));
        Save(folder, "bad-huge-length", FuzzInput.Encode(Frame("""{"byteorder":"big","content-length":4611686018427387904,"content-type":"a","content-encoding":"b"}"""u8, "xy"u8), [0xFF]));
        Save(folder, "bad-truncated", FuzzInput.Encode(frames[0].AsSpan(0, frames[0].Length - 1), [0xFF]));
        Console.WriteLine($"Wrote the seed corpus to {folder}.");
        return 0;
    }

    private static byte[] Frame(ReadOnlySpan<byte> header, ReadOnlySpan<byte> content) =>
        [(byte)(header.Length >> 8), (byte)header.Length, .. header, .. content];

    private static void Save(string folder, string name, byte[] input) => File.WriteAllBytes(Path.Combine(folder, name + ".bin"), input);
}
