using AppProtocol.Client;
using AppProtocol.Framing;

namespace AppProtocol.Samples.FileClient;

/// <summary>How file-client reports a failure: app-client's exit codes and error lines, and 5 for a refusal.</summary>
internal static class Failures
{
    /// <summary>The exit status for a failure the program reports; 0 for one it does not expect (it then crashes loudly).</summary>
    public static int ExitCode(Exception error) => error switch
    {
        FrameErrorReplyException => 5,
        FrameClientException => 2,
        ProtocolException => 3,
        TimeoutException => 4,

        // The local file: missing, unreadable, or the disk is full.
        IOException or UnauthorizedAccessException => 1,
        _ => 0,
    };

    /// <summary>The line printed on standard error.</summary>
    public static string Line(Exception error) => error is ProtocolException protocol
        ? $"Error: the server's answer broke the protocol ({protocol.Error}): {protocol.Message}"
        : $"Error: {error.Message}";
}
