using Microsoft.Extensions.Configuration;

namespace AppProtocol.Hosting.Configuration;

/// <summary>
/// Finds the keys of a server section that are no setting (a misspelt one would otherwise be ignored in silence),
/// each named by its whole path, so that every mistake of a file is reported at once.
/// </summary>
internal static class KnownKeys
{
    private static readonly Node Certificate = new(["Path", "KeyPath", "Password"]);
    private static readonly Node Limits = new(["MaxContentLength", "MaxHeaderLength", "MaxHeaderDepth"]);
    private static readonly Node Address = new(["Host", "Port", "UnixSocketPath"], new(StringComparer.OrdinalIgnoreCase) { ["Certificate"] = Certificate });
    private static readonly Node Server = new(
        ["IdleTimeout", "FrameTimeout", "ShutdownTimeout", "TlsHandshakeTimeout", "MaxConcurrentConnections", "CloseAfterResponse", "TrimMemoryAfterSurge", "Backlog", "RequestStreamingThreshold", "MaxStreamedContentLength"],
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["Limits"] = Limits,
            ["MinResponseDataRate"] = new(["BytesPerSecond", "GracePeriod"]),
            ["MinRequestDataRate"] = new(["BytesPerSecond", "GracePeriod"]),
            ["Listen"] = new([], AnyChild: Address),
        });

    private static readonly Node Client = new(
        ["Host", "Port", "UnixSocketPath", "UseTls", "TargetHost", "CaCertificatePath", "ConnectTimeout", "RequestTimeout", "RequestsAreIdempotent"],
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["ClientCertificate"] = Certificate,
            ["Limits"] = Limits,
        });

    /// <summary>One message per unknown key, with its path and the keys allowed there.</summary>
    public static IEnumerable<string> Unknown(IConfiguration section) => Unknown(section, Server);

    /// <summary>One message per unknown key of a client's section (<see cref="FrameClientSettings"/>).</summary>
    public static IEnumerable<string> UnknownClientKeys(IConfiguration section) => Unknown(section, Client);

    private static IEnumerable<string> Unknown(IConfiguration configuration, Node node)
    {
        foreach (IConfigurationSection child in configuration.GetChildren())
        {
            Node? inner = node.AnyChild ?? (node.Sections?.GetValueOrDefault(child.Key));
            if (inner is not null)
            {
                foreach (string message in Unknown(child, inner))
                {
                    yield return message;
                }
            }
            else if (!node.Values.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                IEnumerable<string> known = node.Values.Concat(node.Sections?.Keys ?? Enumerable.Empty<string>());
                yield return $"{child.Path} is not a setting; here the settings are {string.Join(", ", known)}.";
            }
        }
    }

    /// <summary>A level of the section: the keys with values, the keys with sections beneath, or any key (list items) with one shape beneath.</summary>
    private sealed record Node(string[] Values, Dictionary<string, Node>? Sections = null, Node? AnyChild = null);
}
