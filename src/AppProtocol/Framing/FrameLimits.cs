namespace AppProtocol.Framing;

/// <summary>Limits a <see cref="FrameParser"/> enforces before it accepts a frame.</summary>
/// <remarks>
/// The limits are checked as soon as the bytes that carry them arrive: a content length above
/// <see cref="MaxContentLength"/> fails the moment the header is parsed, before any content is buffered.
/// </remarks>
public sealed record FrameLimits
{
    /// <summary>The default <see cref="MaxContentLength"/>: 16 MiB.</summary>
    public const long DefaultMaxContentLength = 16 * 1024 * 1024;

    /// <summary>The default <see cref="MaxHeaderDepth"/>: 16 nested containers, the header object included.</summary>
    public const int DefaultMaxHeaderDepth = 16;

    /// <summary>The largest <see cref="MaxContentLength"/> that can be set: a whole frame's length must still fit a <see cref="long"/>.</summary>
    public const long MaxSupportedContentLength = long.MaxValue - 2 - ushort.MaxValue;

    /// <summary>The limits every parser uses unless told otherwise.</summary>
    public static FrameLimits Default { get; } = new();

    /// <summary>The largest <c>content-length</c> accepted, from 0 to <see cref="MaxSupportedContentLength"/>. Default 16 MiB.</summary>
    public long MaxContentLength { get; init => field = value is >= 0 and <= MaxSupportedContentLength ? value : throw new ArgumentOutOfRangeException(nameof(MaxContentLength)); } = DefaultMaxContentLength;

    /// <summary>The largest JSON header accepted, in bytes, from 1 to 65,535 (the most the protoheader can announce). Default 65,535.</summary>
    public int MaxHeaderLength { get; init => field = value is >= 1 and <= ushort.MaxValue ? value : throw new ArgumentOutOfRangeException(nameof(MaxHeaderLength)); } = ushort.MaxValue;

    /// <summary>The deepest nesting of JSON containers in a header, the header object counting as 1. Default 16.</summary>
    public int MaxHeaderDepth { get; init => field = value is >= 1 and <= 256 ? value : throw new ArgumentOutOfRangeException(nameof(MaxHeaderDepth)); } = DefaultMaxHeaderDepth;
}
