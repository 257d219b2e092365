using System.Text.RegularExpressions;

namespace AppProtocol.Tests.Docs;

/// <summary>
/// The README's <c>```csharp</c> blocks (or <c>```cs</c>, <c>```c#</c>), each named by a <c>&lt;!-- snippet: NAME --&gt;</c> line just before it,
/// and the regions of tests/AppProtocol.Snippets that hold the same text between <c>// &lt;readme:NAME&gt;</c> and
/// <c>// &lt;/readme:NAME&gt;</c> lines.
/// </summary>
/// <remarks>
/// Texts are compared normalized: line endings as <c>\n</c>, trailing whitespace and leading and trailing empty lines
/// removed, the common indentation removed. A region may come in parts (a program's using directives, statements and
/// types sit at different places in a file); its text is the parts, each normalized, joined by one empty line.
/// </remarks>
internal static partial class Readme
{
    /// <summary>The fences that open a C# block: GitHub highlights all three as C#.</summary>
    private static readonly HashSet<string> CSharpFences = new(["```csharp", "```cs", "```c#"], StringComparer.OrdinalIgnoreCase);

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string ReadmePath => Path.Combine(RepositoryRoot, "README.md");

    /// <summary>The READMEs whose C# blocks are checked, relative to the repository: the repository's (the core package's too) and each package's.</summary>
    public static IReadOnlyList<string> ReadmeFiles { get; } =
    [
        "README.md",
        .. Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "src"), "README.md", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(RepositoryRoot, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal),
    ];

    public static string SnippetsFolder => Path.Combine(RepositoryRoot, "tests", "AppProtocol.Snippets");

    /// <summary>A README's C# blocks in order: the name before each (null when there is none), its line and its text.</summary>
    /// <param name="file">The README, relative to the repository; the repository's when <see langword="null"/>.</param>
    public static IReadOnlyList<(string? Name, int Line, string Text)> ReadmeBlocks(string? file = null)
    {
        file ??= "README.md";
        string[] lines = File.ReadAllLines(Path.Combine(RepositoryRoot, file));
        var blocks = new List<(string?, int, string)>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (!CSharpFences.Contains(lines[i].Trim()))
            {
                continue;
            }

            int start = i + 1;
            int end = start;
            while (end < lines.Length && lines[end].Trim() != "```")
            {
                end++;
            }

            if (end == lines.Length)
            {
                throw new InvalidDataException($"{file}:{i + 1}: the ```csharp block is not closed.");
            }

            int previous = i - 1;
            while (previous >= 0 && lines[previous].Trim().Length == 0)
            {
                previous--;
            }

            Match name = previous >= 0 ? SnippetComment().Match(lines[previous]) : Match.Empty;
            blocks.Add((name.Success ? name.Groups[1].Value : null, i + 1, Normalize(lines[start..end])));
            i = end;
        }

        return blocks;
    }

    /// <summary>Every region in the snippet files, by name: its text and the file that holds it.</summary>
    public static IReadOnlyDictionary<string, (string File, string Text)> Regions()
    {
        var regions = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(SnippetsFolder, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string relative = Path.GetRelativePath(SnippetsFolder, file);
            if (relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue;
            }

            foreach ((string name, string text) in RegionsOf(relative, File.ReadAllLines(file)))
            {
                if (!regions.TryAdd(name, (relative, text)))
                {
                    throw new InvalidDataException($"The region '{name}' is in both {regions[name].Item1} and {relative}.");
                }
            }
        }

        return regions;
    }

    /// <summary>The regions of one file, in the order they first close: each one's parts, normalized and joined by an empty line.</summary>
    /// <exception cref="InvalidDataException">A region opens inside another, closes without opening, or does not close.</exception>
    public static IReadOnlyList<(string Name, string Text)> RegionsOf(string file, string[] lines)
    {
        var parts = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var order = new List<string>();
        string? open = null;
        int openedAt = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            Match marker = RegionMarker().Match(lines[i]);
            if (!marker.Success)
            {
                continue;
            }

            string name = marker.Groups[2].Value;
            if (marker.Groups[1].Value.Length == 0)
            {
                if (open is not null)
                {
                    throw new InvalidDataException($"{file}:{i + 1}: the region '{name}' opens inside '{open}'.");
                }

                open = name;
                openedAt = i + 1;
            }
            else
            {
                if (open != name)
                {
                    throw new InvalidDataException($"{file}:{i + 1}: '{name}' closes, but the open region is '{open ?? "none"}'.");
                }

                if (!parts.TryGetValue(name, out List<string>? list))
                {
                    parts[name] = list = [];
                    order.Add(name);
                }

                list.Add(Normalize(lines[openedAt..i]));
                open = null;
            }
        }

        if (open is not null)
        {
            throw new InvalidDataException($"{file}:{openedAt}: the region '{open}' is not closed.");
        }

        return [.. order.Select(name => (name, string.Join("\n\n", parts[name])))];
    }

    /// <summary>Trailing whitespace, leading and trailing empty lines and the common indentation removed; lines joined by <c>\n</c>.</summary>
    public static string Normalize(IEnumerable<string> lines)
    {
        List<string> trimmed = [.. lines.Select(line => line.TrimEnd())];
        int first = trimmed.FindIndex(line => line.Length > 0);
        if (first < 0)
        {
            return "";
        }

        int last = trimmed.FindLastIndex(line => line.Length > 0);
        trimmed = trimmed[first..(last + 1)];
        int indent = trimmed.Where(line => line.Length > 0).Min(line => line.Length - line.TrimStart().Length);
        return string.Join("\n", trimmed.Select(line => line.Length == 0 ? line : line[indent..]));
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AppProtocol.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No AppProtocol.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"^\s*<!--\s*snippet:\s*([A-Za-z0-9-]+)\s*-->\s*$")]
    private static partial Regex SnippetComment();

    [GeneratedRegex(@"^\s*// <(/?)readme:([A-Za-z0-9-]+)>\s*$")]
    private static partial Regex RegionMarker();
}
