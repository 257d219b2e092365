namespace AppProtocol.Tests.Docs;

/// <summary>Every C# block of the README is the text of a region of tests/AppProtocol.Snippets, which the build compiles.</summary>
public class ReadmeSnippetTests
{
    public static TheoryData<string, string> Names()
    {
        var names = new TheoryData<string, string>();
        foreach (string file in Readme.ReadmeFiles)
        {
            foreach ((string? name, _, _) in Readme.ReadmeBlocks(file))
            {
                if (name is not null)
                {
                    names.Add(file, name);
                }
            }
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_README_block_is_the_compiled_region_of_the_same_name(string file, string name)
    {
        (_, int line, string text) = Readme.ReadmeBlocks(file).Single(block => block.Name == name);
        Assert.True(Readme.Regions().TryGetValue(name, out var region), $"{file}:{line}: no file of tests/AppProtocol.Snippets has a '// <readme:{name}>' region.");

        // On a difference: copy the region's text (tests/AppProtocol.Snippets/{region.File}) into the README, or the README's into the region.
        Assert.Equal(region.Text, text);
    }

    [Fact]
    public void Every_csharp_block_of_every_README_names_its_region()
    {
        foreach (string file in Readme.ReadmeFiles)
        {
            var blocks = Readme.ReadmeBlocks(file);

            Assert.All(blocks, block => Assert.True(block.Name is not null, $"{file}:{block.Line}: the ```csharp block has no '<!-- snippet: NAME -->' line before it, so no compiled region checks it."));
            var names = blocks.Select(block => block.Name!).ToList();
            Assert.Equal(names.Distinct(StringComparer.Ordinal), names);
        }

        Assert.NotEmpty(Readme.ReadmeBlocks());
        Assert.Contains("src/AppProtocol.Hosting/README.md", Readme.ReadmeFiles);
    }

    [Fact]
    public void Every_region_is_shown_in_the_README()
    {
        HashSet<string?> shown = [.. Readme.ReadmeBlocks().Select(block => block.Name)];

        Assert.All(Readme.Regions(), region => Assert.True(shown.Contains(region.Key), $"tests/AppProtocol.Snippets/{region.Value.File}: the region '{region.Key}' is in no '<!-- snippet: {region.Key} -->' block of README.md."));
    }

    [Fact]
    public void A_region_in_parts_reads_as_its_parts_joined_by_an_empty_line_each_without_its_indentation()
    {
        string[] lines =
        [
            "// <readme:x>",
            "using A;   ",
            "// </readme:x>",
            "class C",
            "{",
            "    void M()",
            "    {",
            "        // <readme:x>",
            "",
            "        if (true)",
            "        {",
            "            M();\t",
            "",
            "        }",
            "",
            "        // </readme:x>",
            "        // <readme:y>",
            "        M();",
            "        // </readme:y>",
            "    }",
            "}",
        ];

        Assert.Equal([("x", "using A;\n\nif (true)\n{\n    M();\n\n}"), ("y", "M();")], Readme.RegionsOf("C.cs", lines));
    }

    [Theory]
    [InlineData(new[] { "// <readme:x>", "// <readme:y>" }, "C.cs:2: the region 'y' opens inside 'x'.")]
    [InlineData(new[] { "// <readme:x>", "// </readme:y>" }, "C.cs:2: 'y' closes, but the open region is 'x'.")]
    [InlineData(new[] { "// </readme:x>" }, "C.cs:1: 'x' closes, but the open region is 'none'.")]
    [InlineData(new[] { "a", "// <readme:x>", "b" }, "C.cs:2: the region 'x' is not closed.")]
    public void Unbalanced_markers_are_refused_with_their_line(string[] lines, string message)
    {
        Assert.Equal(message, Assert.Throws<InvalidDataException>(() => Readme.RegionsOf("C.cs", lines)).Message);
    }
}
