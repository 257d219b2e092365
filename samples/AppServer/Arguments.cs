using System.Diagnostics.CodeAnalysis;
using System.Net;
using AppProtocol.Samples;

namespace AppServer;

/// <summary>The command line: <c>&lt;host&gt; &lt;port&gt; [--quiet] [--close-after-response] [--inline]</c>, the TLS options, and a hidden <c>--frame-timeout SECONDS</c>.</summary>
internal sealed record Arguments(string Host, int Port, bool Quiet, bool CloseAfterResponse, bool Inline, TimeSpan? FrameTimeout, TlsArguments? Tls)
{
    public static bool TryParse(string[] args, [NotNullWhen(true)] out Arguments? arguments)
    {
        arguments = null;
        if (!TlsArguments.TryExtract(args, out args, out TlsArguments? tls))
        {
            return false;
        }

        bool quiet = args.Contains("--quiet");
        bool closeAfterResponse = args.Contains("--close-after-response");
        bool inline = args.Contains("--inline");

        // Hidden, for the flood measurement (docs/RELIABILITY.md): --frame-timeout SECONDS instead of the default 30 s.
        int frameTimeoutAt = Array.IndexOf(args, "--frame-timeout");
        TimeSpan? frameTimeout = frameTimeoutAt >= 0 && frameTimeoutAt + 1 < args.Length
            && double.TryParse(args[frameTimeoutAt + 1], System.Globalization.CultureInfo.InvariantCulture, out double seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds) : null;
        string[] positional = args.Where((a, i) => a is not ("--quiet" or "--close-after-response" or "--inline" or "--frame-timeout") && !(frameTimeoutAt >= 0 && i == frameTimeoutAt + 1)).ToArray();
        if (positional.Length != 2)
        {
            return false;
        }

        if (!int.TryParse(positional[1], out int port) || port is < 0 or > IPEndPoint.MaxPort)
        {
            Console.Error.WriteLine($"Invalid port '{positional[1]}': expected 0 to {IPEndPoint.MaxPort}.");
            return false;
        }

        arguments = new Arguments(positional[0], port, quiet, closeAfterResponse, inline, frameTimeout, tls);
        return true;
    }
}
