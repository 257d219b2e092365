using System.Buffers;

namespace AppProtocol.Framing;

/// <summary>One frame: a header and its content.</summary>
/// <remarks>
/// A frame returned by a reader is a view of the reader's buffer: its <see cref="Content"/> is valid only until
/// the next read. Call <see cref="Clone"/> to keep it longer.
/// </remarks>
public readonly struct Frame
{
    /// <summary>Creates a frame from a header and content whose length must match the header's <c>content-length</c>.</summary>
    /// <param name="header">The header.</param>
    /// <param name="content">The content.</param>
    /// <exception cref="ArgumentException">The content's length is not <see cref="FrameHeader.ContentLength"/>.</exception>
    public Frame(FrameHeader header, ReadOnlySequence<byte> content)
    {
        if (header.ContentLength != content.Length)
        {
            throw new ArgumentException($"The content is {content.Length} bytes but the header's content-length is {header.ContentLength}.", nameof(content));
        }

        Header = header;
        Content = content;
    }

    /// <summary>Creates a frame from a header and content whose length must match the header's <c>content-length</c>.</summary>
    /// <param name="header">The header.</param>
    /// <param name="content">The content.</param>
    public Frame(FrameHeader header, ReadOnlyMemory<byte> content)
        : this(header, new ReadOnlySequence<byte>(content))
    {
    }

    // A frame whose content is still in the pipe, streamed to the handler: never handed out as a whole frame.
    private Frame(FrameHeader header)
    {
        Header = header;
        Content = default;
    }

    /// <summary>The header.</summary>
    public FrameHeader Header { get; }

    /// <summary>The content: exactly <see cref="FrameHeader.ContentLength"/> bytes.</summary>
    public ReadOnlySequence<byte> Content { get; }

    /// <summary>A frame for binary content, its header made to fit.</summary>
    /// <param name="contentType">The <c>content-type</c>.</param>
    /// <param name="content">The content.</param>
    public static Frame Binary(string contentType, ReadOnlyMemory<byte> content) => new(FrameHeader.Binary(contentType, content.Length), content);

    /// <summary>The start of a frame whose content is streamed: its header, and no content yet.</summary>
    internal static Frame HeaderOnly(in FrameHeader header) => new(header);

    /// <summary>A copy whose content is independent of any reader's buffer, to keep past the next read.</summary>
    public Frame Clone() => new(Header, Content.ToArray());
}
