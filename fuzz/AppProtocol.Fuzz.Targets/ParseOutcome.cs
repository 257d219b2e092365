using AppProtocol.Framing;

namespace AppProtocol.Fuzz;

/// <summary>Everything one parse of a stream produced: its frames, then how it ended.</summary>
/// <param name="Frames">The frames, in order.</param>
/// <param name="End">The reason the stream ended in error (<see cref="ProtocolError.TruncatedFrame"/> when it stopped inside a frame), or <see langword="null"/> for a clean end between frames.</param>
public sealed record ParseOutcome(IReadOnlyList<FrameSnapshot> Frames, ProtocolError? End)
{
    /// <summary>Throws <see cref="FuzzPropertyViolation"/> unless <paramref name="other"/> saw the same frames and the same end.</summary>
    /// <param name="other">The outcome of another parse of the same stream.</param>
    /// <param name="how">Names the other parse, for the message.</param>
    /// <param name="compareJson">Whether what <see cref="Json.JsonFrameReader"/> made of text/json content must match too.</param>
    public void RequireSame(ParseOutcome other, string how, bool compareJson = true)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (int i = 0; i < Math.Min(Frames.Count, other.Frames.Count); i++)
        {
            if (Frames[i].Difference(other.Frames[i], compareJson) is { } difference)
            {
                throw new FuzzPropertyViolation($"{how}: frame {i}: {difference}");
            }
        }

        if (Frames.Count != other.Frames.Count || End != other.End)
        {
            throw new FuzzPropertyViolation($"{how}: the whole buffer gave {Frames.Count} frames then {End?.ToString() ?? "a clean end"}, this parse {other.Frames.Count} frames then {other.End?.ToString() ?? "a clean end"}");
        }
    }
}
