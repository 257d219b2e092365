namespace AppProtocol.Client;

/// <summary>The limit for response content that a <see cref="FrameClient"/> streams to its caller.</summary>
public sealed partial class FrameClientOptions
{
    /// <summary>The default <see cref="MaxStreamedContentLength"/>: 64 GiB, the same as the server's streamed limit.</summary>
    public const long DefaultMaxStreamedContentLength = 64L * 1024 * 1024 * 1024;

    /// <summary>
    /// The largest <c>content-length</c> of a response read as a stream (<see cref="FrameClient.SendForResponseStreamAsync(Framing.Frame, CancellationToken)"/>),
    /// from 0 to <see cref="Framing.FrameLimits.MaxSupportedContentLength"/>. Default 64 GiB. Streamed content is never
    /// held in memory, so <see cref="Limits"/> (which bounds buffered responses) does not apply to it; error replies are
    /// buffered and stay under <see cref="Limits"/>.
    /// </summary>
    public long MaxStreamedContentLength
    {
        get;
        init => field = value is >= 0 and <= Framing.FrameLimits.MaxSupportedContentLength
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxStreamedContentLength), value, "MaxStreamedContentLength must be 0 to FrameLimits.MaxSupportedContentLength.");
    } = DefaultMaxStreamedContentLength;
}
