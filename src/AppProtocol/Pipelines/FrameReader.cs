using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using AppProtocol.Framing;

namespace AppProtocol.Pipelines;

/// <summary>Reads frames one after another from a <see cref="PipeReader"/>, for data arriving in any chunking.</summary>
/// <remarks>
/// A frame returned by <see cref="ReadFrameAsync"/> is a view of the pipe's buffer, valid until the next call;
/// <see cref="Frame.Clone"/> keeps one longer. The pipe never buffers more than one frame plus what the peer
/// already sent: content is never allocated for bytes that have not arrived. After a <see cref="ProtocolException"/>
/// the reader is faulted and every later read throws it again (a framing error cannot be resynchronised).
/// Not thread-safe: one reader per connection, one read at a time.
/// </remarks>
public sealed class FrameReader
{
    private readonly PipeReader _input;
    private readonly FrameParser _parser;
    private SequencePosition? _unreleased;
    private long _requiredLength;
    private ProtocolException? _fault;

    /// <summary>Creates a reader over <paramref name="input"/>.</summary>
    /// <param name="input">The pipe to read from; the caller still owns it and completes it.</param>
    /// <param name="limits">Frame limits; <see cref="FrameLimits.Default"/> when <see langword="null"/>.</param>
    public FrameReader(PipeReader input, FrameLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        _input = input;
        _parser = new FrameParser(limits);
    }

    /// <summary>The limits this reader enforces.</summary>
    public FrameLimits Limits => _parser.Limits;

    /// <summary>Whether bytes of an unfinished frame were seen (so that the peer is mid-frame).</summary>
    public bool IsMidFrame { get; private set; }

    /// <summary>Reads the next frame.</summary>
    /// <param name="cancellationToken">Cancels the wait for data.</param>
    /// <returns>The frame, valid until the next call; <see langword="null"/> when the stream ended cleanly between frames.</returns>
    /// <exception cref="ProtocolException">The bytes break the protocol, or the stream ended inside a frame.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled, or the pending read was cancelled.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<Frame?> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        if (_fault is not null)
        {
            throw _fault;
        }

        // The previous frame was a view of the buffer: release it only now that the caller asks for the next one.
        if (_unreleased is { } consumed)
        {
            _unreleased = null;
            _input.AdvanceTo(consumed);
        }

        while (true)
        {
            ReadResult result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (result.IsCanceled)
            {
                _input.AdvanceTo(buffer.Start);
                throw new OperationCanceledException("The pending read was cancelled.");
            }

            Frame frame = default;
            bool parsed;
            try
            {
                // Skip parsing until enough bytes arrived to finish the frame whose header was already seen.
                parsed = buffer.Length >= _requiredLength && _parser.TryParse(buffer, out frame, out _requiredLength);
            }
            catch (ProtocolException ex)
            {
                _fault = ex;
                _input.AdvanceTo(buffer.Start, buffer.End);
                throw;
            }

            if (parsed)
            {
                _requiredLength = 0;
                IsMidFrame = false;
                _unreleased = frame.Content.End;
                return frame;
            }

            IsMidFrame = !buffer.IsEmpty;
            if (result.IsCompleted)
            {
                _input.AdvanceTo(buffer.End);
                if (buffer.IsEmpty)
                {
                    return null;
                }

                _fault = FrameParser.Truncated(buffer.Length, _requiredLength);
                throw _fault;
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
