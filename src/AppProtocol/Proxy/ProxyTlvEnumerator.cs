using System.Buffers.Binary;

namespace AppProtocol.Proxy;

/// <summary>Walks a run of TLVs (a type byte, a 2-byte big-endian length, the value), the header's or the SSL TLV's sub-TLVs; one that runs past the run is malformed.</summary>
internal ref struct ProxyTlvEnumerator
{
    private const int TypeAndLength = 3;

    private readonly ReadOnlySpan<byte> _run;
    private readonly string _what;
    private int _next;

    /// <param name="run">The TLVs.</param>
    /// <param name="what">What they are, for messages ("TLV", "SSL sub-TLV").</param>
    public ProxyTlvEnumerator(ReadOnlySpan<byte> run, string what)
    {
        _run = run;
        _what = what;
    }

    public byte Type { get; private set; }

    public ReadOnlySpan<byte> Value { get; private set; }

    /// <summary>Where <see cref="Value"/> starts in the run.</summary>
    public int ValueOffset { get; private set; }

    /// <summary>Moves to the next TLV; false at the end of the run.</summary>
    /// <exception cref="ProxyProtocolException">The TLV runs past the end of the run.</exception>
    public bool MoveNext()
    {
        int left = _run.Length - _next;
        if (left == 0)
        {
            return false;
        }

        if (left < TypeAndLength)
        {
            throw new ProxyProtocolException(ProxyProtocolError.V2TlvOverrun, $"A {_what} of the PROXY header is cut short: {left} bytes left for its 3-byte type and length.");
        }

        Type = _run[_next];
        int length = BinaryPrimitives.ReadUInt16BigEndian(_run[(_next + 1)..]);
        ValueOffset = _next + TypeAndLength;
        if (length > _run.Length - ValueOffset)
        {
            throw new ProxyProtocolException(ProxyProtocolError.V2TlvOverrun, $"The PROXY header's {_what} 0x{Type:X2} claims {length} bytes; {_run.Length - ValueOffset} are left.");
        }

        Value = _run.Slice(ValueOffset, length);
        _next = ValueOffset + length;
        return true;
    }
}
