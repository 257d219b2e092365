using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using AppProtocol.Samples;

namespace KestrelAppServer;

/// <summary>The command line: app-server's (with its TLS options), and <c>--http-port N</c>.</summary>
internal sealed record Arguments(string Host, int Port, bool Quiet, bool CloseAfterResponse, int? HttpPort, TlsArguments? Tls)
{
    public static bool TryParse(string[] args, [NotNullWhen(true)] out Arguments? arguments)
    {
        arguments = null;
        if (!TlsArguments.TryExtract(args, out args, out TlsArguments? tls))
        {
            return false;
        }

        var positional = new List<string>();
        bool quiet = false, closeAfterResponse = false;
        int? httpPort = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quiet":
                    quiet = true;
                    break;
                case "--close-after-response":
                    closeAfterResponse = true;
                    break;
                case "--http-port":
                    if (i + 1 >= args.Length || !TryPort(args[++i], out int http))
                    {
                        Console.Error.WriteLine($"Invalid --http-port: expected 0 to {IPEndPoint.MaxPort}.");
                        return false;
                    }

                    httpPort = http;
                    break;
                default:
                    positional.Add(args[i]);
                    break;
            }
        }

        if (positional.Count != 2)
        {
            return false;
        }

        if (!TryPort(positional[1], out int port))
        {
            Console.Error.WriteLine($"Invalid port '{positional[1]}': expected 0 to {IPEndPoint.MaxPort}.");
            return false;
        }

        arguments = new Arguments(positional[0], port, quiet, closeAfterResponse, httpPort, tls);
        return true;
    }

    /// <summary>What a host names, as app-server reads it: <see langword="null"/> for every interface, an IP literal, or a name's addresses.</summary>
    public static async Task<IPAddress[]?> ResolveAsync(string host)
    {
        if (host.Length == 0)
        {
            return null;
        }

        if (IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? literal))
        {
            return [literal];
        }

        IPAddress[] addresses = (await Dns.GetHostAddressesAsync(host)).Distinct()
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork || Socket.OSSupportsIPv6).ToArray();
        return addresses.Length > 0 ? addresses : throw new SocketException((int)SocketError.HostNotFound, $"'{host}' has no address.");
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) && port <= IPEndPoint.MaxPort;
}
