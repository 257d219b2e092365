namespace AppProtocol.Tests.Client;

/// <summary>Where the Python reference peers and the built sample programs are.</summary>
internal static class TestPaths
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    /// <summary>The Python reference scripts, copied beside the tests from tests/reference.</summary>
    public static string Reference(string script) => Path.Combine(AppContext.BaseDirectory, "reference", script);

    /// <summary>A sample's built program (run with <c>dotnet</c>), e.g. Sample("EchoClient", "echo-client").</summary>
    public static string Sample(string project, string assembly)
    {
        string path = Path.Combine(RepositoryRoot(), "samples", project, "bin", Configuration, "net10.0", assembly + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The sample {project} is not built at {path}.", path);
    }

    private static string RepositoryRoot()
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
}
