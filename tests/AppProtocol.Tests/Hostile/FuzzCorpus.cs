namespace AppProtocol.Tests.Hostile;

/// <summary>The seed corpus (fuzz/corpus) and the fuzzers' findings (fuzz/findings), copied beside the tests.</summary>
internal static class FuzzCorpus
{
    public static string CorpusFolder => Path.Combine(AppContext.BaseDirectory, "FuzzCorpus");

    public static string FindingsFolder => Path.Combine(AppContext.BaseDirectory, "FuzzFindings");

    public static IReadOnlyList<byte[]> Inputs() =>
        [.. Directory.EnumerateFiles(CorpusFolder, "*.bin").Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];

    public static TheoryData<string> Names(string folder)
    {
        var names = new TheoryData<string>();
        foreach (string file in Directory.EnumerateFiles(folder, "*.bin").Order(StringComparer.Ordinal))
        {
            names.Add(Path.GetFileNameWithoutExtension(file));
        }

        return names;
    }
}
