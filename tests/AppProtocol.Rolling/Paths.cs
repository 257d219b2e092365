namespace AppProtocol.Rolling;

/// <summary>Where the built programs are: this runner is started from the repository (its Release build of the samples).</summary>
internal static class Paths
{
    public static string Root { get; } = FindRoot();

    public static string AppServer => Path.Combine(Root, "samples", "AppServer", "bin", "Release", "net10.0", "app-server.dll");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AppProtocol.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("AppProtocol.sln not found above " + AppContext.BaseDirectory);
    }
}
