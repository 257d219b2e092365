using System.Buffers;
using AppProtocol.Framing;

namespace AppProtocol.LoadTest;

/// <summary>What <see cref="ResponseChecker.Check"/> found at the front of a receive buffer.</summary>
/// <param name="Consumed">Bytes of the complete responses found.</param>
/// <param name="Responses">How many complete responses.</param>
/// <param name="Mismatches">How many of them were well-formed but not the expected answer.</param>
internal readonly record struct CheckedResponses(int Consumed, int Responses, int Mismatches);

/// <summary>
/// Checks one connection's responses to the byte: the first right answer is parsed and validated in full, and its bytes
/// become the expected response; every later response is compared with those bytes instead of being parsed again.
/// </summary>
/// <remarks>
/// A fixed workload's answers from one server are byte-identical, so a comparison (one vectorised memory compare for a
/// whole run of answers) is as strict as a parse and costs a few nanoseconds a response. Anything that differs, and any
/// response cut off at the end of a read, goes through the library's <see cref="FrameParser"/> and
/// <see cref="Workload.IsExpected"/>, which decide mismatches and broken frames exactly as before.
/// </remarks>
internal sealed class ResponseChecker(Workload workload, int depth)
{
    private readonly FrameParser _parser = new();

    // The expected response laid end to end depth times, so that a run of answers is checked by one comparison.
    private byte[]? _expectedRun;
    private int _expectedLength;

    /// <summary>Length of the expected response once learned, else 0.</summary>
    public int ExpectedLength => _expectedLength;

    /// <summary>Finds up to <paramref name="wanted"/> complete responses at <paramref name="start"/>.</summary>
    /// <exception cref="ProtocolException">A response is not a valid frame.</exception>
    public CheckedResponses Check(byte[] buffer, int start, int end, int wanted)
    {
        int position = start;
        int responses = 0;
        int mismatches = 0;
        while (responses < wanted)
        {
            int run = CompareRun(buffer.AsSpan(position, end - position), wanted - responses);
            if (run > 0)
            {
                position += run * _expectedLength;
                responses += run;
                continue;
            }

            int length = ParseOne(buffer, position, end, out bool expected);
            if (length == 0)
            {
                break;
            }

            position += length;
            responses++;
            mismatches += expected ? 0 : 1;
        }

        return new CheckedResponses(position - start, responses, mismatches);
    }

    // How many whole expected responses the data starts with, or 0 when the first one differs or is cut off.
    private int CompareRun(ReadOnlySpan<byte> data, int wanted)
    {
        if (_expectedRun is not { } run)
        {
            return 0;
        }

        int count = Math.Min(wanted, data.Length / _expectedLength);
        if (count == 0)
        {
            return 0;
        }

        // The common case: all of them match.
        if (data[..(count * _expectedLength)].SequenceEqual(run.AsSpan(0, count * _expectedLength)))
        {
            return count;
        }

        int matched = data[..(count * _expectedLength)].CommonPrefixLength(run) / _expectedLength;
        return matched;
    }

    // Parses one response in full; returns its length, or 0 when it is not complete yet.
    private int ParseOne(byte[] buffer, int start, int end, out bool expected)
    {
        var sequence = new ReadOnlySequence<byte>(buffer, start, end - start);
        if (!_parser.TryParse(ref sequence, out Frame response))
        {
            expected = false;
            return 0;
        }

        int length = end - start - (int)sequence.Length;
        expected = workload.IsExpected(response);
        if (expected && _expectedRun is null)
        {
            _expectedLength = length;
            _expectedRun = new byte[length * depth];
            for (int i = 0; i < depth; i++)
            {
                buffer.AsSpan(start, length).CopyTo(_expectedRun.AsSpan(i * length));
            }
        }

        return length;
    }
}
