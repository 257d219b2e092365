using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace AppProtocol.Samples.FileClient;

/// <summary>The command line: where the server is, which way the file goes, and whether an existing file may be replaced.</summary>
internal sealed record FileCommand(string Host, int Port, bool IsUpload, string Name, string LocalPath, bool Overwrite)
{
    public const string Usage = "Usage: file-client <host> <port> upload <path> [--overwrite] | file-client <host> <port> download <name> <path> [--overwrite]";

    /// <summary>Parses the arguments; <paramref name="problem"/> is null when only the usage should be printed.</summary>
    public static bool TryParse(string[] args, [NotNullWhen(true)] out FileCommand? command, out string? problem)
    {
        command = null;
        problem = null;
        bool overwrite = args.Length > 0 && args[^1] == "--overwrite";
        string[] rest = overwrite ? args[..^1] : args;
        bool upload = rest.Length == 4 && rest[2] == "upload";
        bool download = rest.Length == 5 && rest[2] == "download";
        if (!upload && !download)
        {
            return false;
        }

        if (!int.TryParse(rest[1], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            problem = $"invalid port '{rest[1]}'.";
            return false;
        }

        string name = upload ? Path.GetFileName(rest[3]) : rest[3];
        command = new FileCommand(rest[0], port, upload, name, upload ? rest[3] : rest[4], overwrite);
        return true;
    }
}
