using System.Net;
using System.Net.Sockets;

namespace AppProtocol.Samples;

/// <summary>The sample servers' PROXY protocol options: <c>--proxy-protocol</c> (every connection must start with a PROXY header from a trusted proxy) and <c>--trusted-proxy ADDRESS|CIDR</c>, repeatable (loopback only when none is given).</summary>
/// <param name="TrustedProxies">The trusted proxies; empty for the library's default, loopback.</param>
public sealed record ProxyArguments(IReadOnlyList<IPNetwork> TrustedProxies)
{
    private const string Enable = "--proxy-protocol";
    private const string Trusted = "--trusted-proxy";

    /// <summary>Takes the PROXY protocol options out of a command line, wherever they are; on a wrong one, prints why to standard error.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="rest">The command line without these options, for the program's own parsing.</param>
    /// <param name="proxy">The options, or <see langword="null"/> without <c>--proxy-protocol</c>.</param>
    /// <returns><see langword="false"/> when <c>--trusted-proxy</c> lacks its value, has one that is neither an address nor a CIDR network, or comes without <c>--proxy-protocol</c>.</returns>
    public static bool TryExtract(string[] args, out string[] rest, out ProxyArguments? proxy)
    {
        ArgumentNullException.ThrowIfNull(args);
        rest = [];
        proxy = null;
        bool enabled = false;
        var trusted = new List<IPNetwork>();
        var others = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == Enable)
            {
                enabled = true;
            }
            else if (args[i] != Trusted)
            {
                others.Add(args[i]);
            }
            else if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                return Fail($"{Trusted} needs an IP address or a CIDR network.");
            }
            else if (TryParseNetwork(args[++i]) is { } network)
            {
                trusted.Add(network);
            }
            else
            {
                return Fail($"Invalid {Trusted} '{args[i]}': expected an IP address (10.0.0.5) or a CIDR network (10.0.0.0/8).");
            }
        }

        if (!enabled && trusted.Count > 0)
        {
            return Fail($"{Trusted} needs {Enable}.");
        }

        rest = [.. others];
        proxy = enabled ? new ProxyArguments(trusted) : null;
        return true;
    }

    // As strict as ProxyProtocolOptions.AddTrustedProxy: four numbers for IPv4, no zone, no bits set past the prefix.
    private static IPNetwork? TryParseNetwork(string text)
    {
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        string address = slash < 0 ? text : text[..slash];
        bool written = address.Contains(':', StringComparison.Ordinal) ? !address.Contains('%', StringComparison.Ordinal) : address.Count(c => c == '.') == 3;
        if (!written || !IPAddress.TryParse(address, out IPAddress? parsed))
        {
            return null;
        }

        if (slash < 0)
        {
            return new IPNetwork(parsed, parsed.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
        }

        return IPNetwork.TryParse(text, out IPNetwork network) && network.BaseAddress.Equals(parsed) ? network : null;
    }

    private static bool Fail(string message)
    {
        Console.Error.WriteLine(message);
        return false;
    }
}
