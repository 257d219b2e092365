namespace AppProtocol.Framing;

/// <summary>The sender's machine byte order, as carried in the <c>byteorder</c> header (Python's <c>sys.byteorder</c>).</summary>
/// <remarks>Informational: content is never converted. It decides the byte order of <c>utf-16</c> and <c>utf-32</c> text content that has no byte order mark.</remarks>
public enum FrameByteOrder
{
    /// <summary><c>"little"</c>.</summary>
    Little,

    /// <summary><c>"big"</c>.</summary>
    Big,
}
