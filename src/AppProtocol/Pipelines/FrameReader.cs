using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using AppProtocol.Framing;

namespace AppProtocol.Pipelines;

/// <summary>Reads frames one after another from a <see cref="PipeReader"/>, for data arriving in any chunking.</summary>
/// <remarks>
/// A frame returned by <see cref="ReadFrameAsync"/> or <see cref="TryReadFrame"/> is a view of the pipe's buffer,
/// valid until the next call; <see cref="Frame.Clone"/> keeps one longer. <see cref="TryReadFrame"/> returns the
/// frames a read already brought in without waiting, so a server can answer a batch of pipelined requests and
/// flush once. The pipe never buffers more than one frame plus what the peer already sent: content is never
/// allocated for bytes that have not arrived. After a <see cref="ProtocolException"/> the reader is faulted and
/// every later read throws it again (a framing error cannot be resynchronised). Not thread-safe: one reader per
/// connection, one read at a time.
/// </remarks>
public sealed class FrameReader
{
    private readonly PipeReader _input;
    private readonly FrameParser _parser;

    // What the last read returned and no frame has consumed yet; meaningful only while _holding.
    private ReadOnlySequence<byte> _buffer;
    private bool _holding;
    private bool _completed;
    private long _requiredLength;
    private ProtocolException? _fault;

    /// <summary>Creates a reader over <paramref name="input"/>.</summary>
    /// <param name="input">The pipe to read from; the caller still owns it and completes it.</param>
    /// <param name="limits">Frame limits; <see cref="FrameLimits.Default"/> when <see langword="null"/>.</param>
    public FrameReader(PipeReader input, FrameLimits? limits = null)
        : this(input, new FrameParser(limits))
    {
    }

    /// <summary>Creates a reader that shares a parser (it keeps no state) with other readers.</summary>
    internal FrameReader(PipeReader input, FrameParser parser)
    {
        ArgumentNullException.ThrowIfNull(input);
        _input = input;
        _parser = parser;
    }

    /// <summary>The limits this reader enforces.</summary>
    public FrameLimits Limits => _parser.Limits;

    /// <summary>Whether bytes beyond the frames returned so far are buffered: after <see cref="TryReadFrame"/> returned
    /// <see langword="false"/>, the start of an unfinished frame (the peer is mid-frame); after a frame, the next frames' bytes.</summary>
    public bool IsMidFrame { get; private set; }

    /// <summary>The length of the last frame returned, protoheader and header included.</summary>
    internal long LastFrameLength { get; private set; }

    /// <summary>Content longer than this is not buffered: the frame is returned with its header only, its content left in the pipe to stream. Off by default.</summary>
    internal long StreamContentOver { get; init; } = long.MaxValue;

    /// <summary>The longest content buffered whole, when <see cref="StreamContentOver"/> raised the parser's own limit.</summary>
    internal long MaxBufferedContentLength { get; init; } = long.MaxValue;

    /// <summary>Whether the last frame returned is a header whose content follows in the pipe; the caller reads it, then calls <see cref="EndStreamedContent"/>.</summary>
    internal bool IsContentStreamed { get; private set; }

    /// <summary>Returns the next frame if the bytes already read hold a whole one, without waiting.</summary>
    /// <param name="frame">The frame, valid until the next call.</param>
    /// <returns><see langword="true"/> for a frame; <see langword="false"/> when <see cref="ReadFrameAsync"/> must wait for more bytes (the buffer is then released to the pipe).</returns>
    /// <exception cref="ProtocolException">The bytes break the protocol.</exception>
    public bool TryReadFrame(out Frame frame)
    {
        ThrowIfFaulted();
        if (_holding && TryParseHeld(out frame))
        {
            return true;
        }

        Release();
        frame = default;
        return false;
    }

    /// <summary>Reads the next frame, waiting for bytes if the ones already read hold none.</summary>
    /// <param name="cancellationToken">Cancels the wait for data.</param>
    /// <returns>The frame, valid until the next call; <see langword="null"/> when the stream ended cleanly between frames.</returns>
    /// <exception cref="ProtocolException">The bytes break the protocol, or the stream ended inside a frame.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled, or the pending read was cancelled.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<Frame?> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (TryReadFrame(out Frame frame))
            {
                return frame;
            }

            if (_completed)
            {
                return EndOfStream();
            }

            ReadResult result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCanceled)
            {
                _input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                throw new OperationCanceledException("The pending read was cancelled.");
            }

            _buffer = result.Buffer;
            _holding = true;
            _completed = result.IsCompleted;
        }
    }

    private bool TryParseHeld(out Frame frame)
    {
        frame = default;
        bool parsed;
        long streamedFrom = 0;
        try
        {
            // Skip parsing until enough bytes arrived to finish the frame whose header was already seen.
            parsed = _buffer.Length >= _requiredLength && (StreamContentOver == long.MaxValue
                ? _parser.TryParse(_buffer, out frame, out _requiredLength)
                : TryParseOrStartStream(out frame, out streamedFrom));
        }
        catch (ProtocolException ex)
        {
            _fault = ex;
            Release();
            throw;
        }

        if (parsed)
        {
            LastFrameLength = _requiredLength;
            _requiredLength = 0;
            IsContentStreamed = streamedFrom > 0;
            if (IsContentStreamed)
            {
                // The header is consumed and nothing after it examined: the content's reader sees the bytes at once.
                _holding = false;
                _input.AdvanceTo(_buffer.GetPosition(streamedFrom));
                IsMidFrame = true;
                return true;
            }

            _buffer = _buffer.Slice(frame.Content.End);
        }

        IsMidFrame = !_buffer.IsEmpty;
        return parsed;
    }

    // A header over the threshold makes a streamed start at once; any other frame is buffered whole, under the buffered limit.
    private bool TryParseOrStartStream(out Frame frame, out long streamedFrom)
    {
        frame = default;
        streamedFrom = 0;
        if (!_parser.TryParseHeader(_buffer, out FrameHeader header, out long headerEnd, out _requiredLength))
        {
            return false;
        }

        long length = header.ContentLength;
        _requiredLength = headerEnd + length;
        if (length > StreamContentOver)
        {
            frame = Frame.HeaderOnly(header);
            streamedFrom = headerEnd;
            return true;
        }

        if (length > MaxBufferedContentLength)
        {
            throw FrameParser.ContentTooLarge(length, MaxBufferedContentLength);
        }

        if (_buffer.Length < _requiredLength)
        {
            return false;
        }

        frame = new Frame(header, _buffer.Slice(headerEnd, length));
        return true;
    }

    /// <summary>Takes the pipe back once a streamed frame's content was read whole: finds whether the next frame's bytes are already buffered.</summary>
    internal void EndStreamedContent()
    {
        IsContentStreamed = false;
        _completed = false;
        IsMidFrame = false;
        if (_input.TryRead(out ReadResult result))
        {
            IsMidFrame = !result.Buffer.IsEmpty;
            _input.AdvanceTo(result.Buffer.Start);
        }
    }

    // Gives the pipe back what frames consumed, marking the rest examined so the next read waits for new bytes.
    private void Release()
    {
        if (_holding)
        {
            _holding = false;
            _input.AdvanceTo(_buffer.Start, _buffer.End);
        }
    }

    private Frame? EndOfStream()
    {
        _completed = false;
        if (!IsMidFrame)
        {
            return null;
        }

        _fault = FrameParser.Truncated(_buffer.Length, _requiredLength);
        throw _fault;
    }

    private void ThrowIfFaulted()
    {
        if (_fault is not null)
        {
            throw _fault;
        }
    }
}
