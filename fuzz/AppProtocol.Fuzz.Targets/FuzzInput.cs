using AppProtocol.Framing;

namespace AppProtocol.Fuzz;

/// <summary>How the fuzz target reads its input: a control byte, chunk sizes, then the byte stream a peer sends.</summary>
/// <remarks>
/// Byte 0: bits 0-2 are the number <c>k</c> of chunk-size bytes that follow, bit 3 selects <see cref="SmallLimits"/>.
/// Bytes 1..k: chunk sizes (each byte + 1, used in turn); with <c>k = 0</c> the stream arrives one byte at a time.
/// The rest is the stream. Keeping the segmentation in the input lets the fuzzer mutate it like any other byte.
/// </remarks>
public sealed class FuzzInput
{
    private const int ChunkCountMask = 0x07;
    private const int SmallLimitsFlag = 0x08;

    private FuzzInput(FrameLimits limits, byte[] chunkSizes, byte[] stream)
    {
        Limits = limits;
        ChunkSizes = chunkSizes;
        Stream = stream;
    }

    /// <summary>Limits small enough that the fuzzer reaches every limit check with short inputs.</summary>
    public static FrameLimits SmallLimits { get; } = new() { MaxContentLength = 64, MaxHeaderLength = 160, MaxHeaderDepth = 3 };

    /// <summary>The limits of the parsers under test.</summary>
    public FrameLimits Limits { get; }

    /// <summary>The raw chunk-size bytes (a size is the byte + 1); empty means one byte at a time.</summary>
    public byte[] ChunkSizes { get; }

    /// <summary>The bytes the peer sends.</summary>
    public byte[] Stream { get; }

    /// <summary>Splits a fuzz input into its control part and its stream.</summary>
    /// <param name="input">The fuzz input; an empty input is an empty stream.</param>
    /// <returns>The decoded input.</returns>
    public static FuzzInput Decode(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return new FuzzInput(FrameLimits.Default, [], []);
        }

        int control = input[0];
        int chunkCount = Math.Min(control & ChunkCountMask, input.Length - 1);
        FrameLimits limits = (control & SmallLimitsFlag) != 0 ? SmallLimits : FrameLimits.Default;
        return new FuzzInput(limits, input.Slice(1, chunkCount).ToArray(), input[(1 + chunkCount)..].ToArray());
    }

    /// <summary>Builds a fuzz input from its parts, e.g. for the seed corpus.</summary>
    /// <param name="stream">The bytes the peer sends.</param>
    /// <param name="chunkSizes">Raw chunk-size bytes (at most 7); empty for one byte at a time.</param>
    /// <param name="smallLimits">Whether to parse with <see cref="SmallLimits"/>.</param>
    /// <returns>The encoded input.</returns>
    public static byte[] Encode(ReadOnlySpan<byte> stream, ReadOnlySpan<byte> chunkSizes, bool smallLimits = false)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunkSizes.Length, ChunkCountMask);
        byte control = (byte)(chunkSizes.Length | (smallLimits ? SmallLimitsFlag : 0));
        return [control, .. chunkSizes, .. stream];
    }

    /// <summary>The size of the chunk with the given index.</summary>
    /// <param name="index">The chunk's index, from 0.</param>
    /// <returns>A size from 1 to 256.</returns>
    public int ChunkSize(int index) => ChunkSizes.Length == 0 ? 1 : ChunkSizes[index % ChunkSizes.Length] + 1;
}
