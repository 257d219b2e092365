using System.Diagnostics.CodeAnalysis;
using System.Net;
using AppProtocol.Samples;

namespace AppServer;

/// <summary>
/// The command line: <c>&lt;host&gt; &lt;port&gt; [--quiet] [--close-after-response] [--inline]</c>, the TLS options,
/// <c>--config PATH</c>, and a hidden <c>--frame-timeout SECONDS</c>. With <c>--config</c>, <c>&lt;host&gt; &lt;port&gt;</c>
/// may be left out (the file's listen addresses are served); given, they replace the file's listen addresses.
/// </summary>
internal sealed record Arguments(string? Host, int Port, string? ConfigPath, bool Quiet, bool CloseAfterResponse, bool Inline, TimeSpan? FrameTimeout, TlsArguments? Tls)
{
    public static bool TryParse(string[] args, [NotNullWhen(true)] out Arguments? arguments)
    {
        arguments = null;
        if (!TlsArguments.TryExtract(args, out args, out TlsArguments? tls) || !TryTakeValue(ref args, "--config", out string? configPath))
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
        if (configPath is not null && positional.Length == 0)
        {
            if (tls is not null)
            {
                Console.Error.WriteLine("--tls-cert needs <host> <port>; with --config alone, give each listen address its Certificate in the file.");
                return false;
            }

            arguments = new Arguments(null, 0, configPath, quiet, closeAfterResponse, inline, frameTimeout, null);
            return true;
        }

        if (positional.Length != 2)
        {
            return false;
        }

        if (!int.TryParse(positional[1], out int port) || port is < 0 or > IPEndPoint.MaxPort)
        {
            Console.Error.WriteLine($"Invalid port '{positional[1]}': expected 0 to {IPEndPoint.MaxPort}.");
            return false;
        }

        arguments = new Arguments(positional[0], port, configPath, quiet, closeAfterResponse, inline, frameTimeout, tls);
        return true;
    }

    /// <summary>Takes <c>option VALUE</c> out of the command line; <see langword="false"/> (with why, on standard error) when the value is missing or the option is given twice.</summary>
    private static bool TryTakeValue(ref string[] args, string option, out string? value)
    {
        value = null;
        int at = Array.IndexOf(args, option);
        if (at < 0)
        {
            return true;
        }

        if (at + 1 >= args.Length || args[at + 1].Length == 0 || args[at + 1].StartsWith("--", StringComparison.Ordinal) || Array.LastIndexOf(args, option) != at)
        {
            Console.Error.WriteLine($"{option} needs one file path.");
            return false;
        }

        value = args[at + 1];
        args = [.. args[..at], .. args[(at + 2)..]];
        return true;
    }
}
