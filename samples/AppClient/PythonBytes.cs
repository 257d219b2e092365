using System.Text;

namespace AppProtocol.Samples;

/// <summary>Formats bytes exactly as Python's <c>repr()</c> of a <c>bytes</c> object, as the reference programs print them.</summary>
public static class PythonBytes
{
    /// <summary>Python's <c>repr(b)</c>, e.g. <c>b'Hello, world'</c> or <c>b"it's"</c>.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The repr text.</returns>
    public static string Repr(ReadOnlySpan<byte> bytes)
    {
        // Python quotes with ' unless the bytes hold a ' and no ", and then escapes only the chosen quote.
        byte quote = bytes.Contains((byte)'\'') && !bytes.Contains((byte)'"') ? (byte)'"' : (byte)'\'';
        var text = new StringBuilder(bytes.Length + 3);
        text.Append('b').Append((char)quote);
        foreach (byte b in bytes)
        {
            switch (b)
            {
                case (byte)'\\':
                    text.Append(@"\\");
                    break;
                case (byte)'\t':
                    text.Append(@"\t");
                    break;
                case (byte)'\n':
                    text.Append(@"\n");
                    break;
                case (byte)'\r':
                    text.Append(@"\r");
                    break;
                case < 0x20 or >= 0x7f:
                    text.Append(@"\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    if (b == quote)
                    {
                        text.Append('\\');
                    }

                    text.Append((char)b);
                    break;
            }
        }

        return text.Append((char)quote).ToString();
    }
}
