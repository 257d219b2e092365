using System.Buffers;

namespace AppProtocol.Json;

/// <summary>Writes into a fixed piece of memory and, from the first request that does not fit there, into a spill buffer.</summary>
/// <remarks>The content is the first <see cref="InPlaceWritten"/> bytes of the fixed memory followed by all that the spill buffer holds.</remarks>
internal sealed class SpillingBufferWriter(IBufferWriter<byte> spill) : IBufferWriter<byte>
{
    private Memory<byte> _inPlace;
    private bool _spilling;

    /// <summary>How many bytes went to the fixed memory.</summary>
    public int InPlaceWritten { get; private set; }

    /// <summary>Starts over in <paramref name="inPlace"/>; the spill buffer is reset by its owner.</summary>
    public void Reset(Memory<byte> inPlace)
    {
        _inPlace = inPlace;
        _spilling = false;
        InPlaceWritten = 0;
    }

    public void Advance(int count)
    {
        if (_spilling)
        {
            spill.Advance(count);
            return;
        }

        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _inPlace.Length - InPlaceWritten);
        InPlaceWritten += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        // Once spilling, always: the content must stay in order.
        _spilling |= _inPlace.Length - InPlaceWritten < Math.Max(sizeHint, 1);
        return _spilling ? spill.GetMemory(sizeHint) : _inPlace[InPlaceWritten..];
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
}
