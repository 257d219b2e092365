namespace FileServer;

/// <summary>The served directory: where a checked name's file is, and a temporary file for each upload beside it.</summary>
public sealed class FileStore(string directory)
{
    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>The file of a name that <see cref="FileNames.IsAllowed"/> accepted, checked once more to be in the directory.</summary>
    public string PathOf(string name)
    {
        string path = Path.GetFullPath(Path.Combine(Directory, name));
        return Path.GetDirectoryName(path) == Directory ? path : throw new ArgumentException($"The name '{name}' leads out of the directory.", nameof(name));
    }

    /// <summary>A new temporary file in the directory (same file system, so the final rename is atomic); its name starts with a dot, so no client can name it.</summary>
    public string NewTemporaryPath() => Path.Combine(Directory, $".upload-{Guid.NewGuid():N}.tmp");
}
