using System.Text;

namespace BaselineServer;

/// <summary>Writes the sample application's responses (SPEC section 3) in the reference's exact layout, the fixed ones precomputed.</summary>
internal static class Answers
{
    private const string BinaryPrefixText = "First 10 bytes of request: ";

    private static readonly byte[] Morpheus = JsonFrame("Follow the white rabbit. \U0001F430");
    private static readonly byte[] Ring = JsonFrame("In the caves beneath the Misty Mountains. \U0001F48D");
    private static readonly byte[] Dog = JsonFrame("\U0001F43E Playing ball! \U0001F3D0");

    // A binary answer's header depends only on how many request bytes it quotes (0 to 10): all eleven are precomputed.
    private static readonly byte[][] BinaryHeaders = [.. Enumerable.Range(0, 11).Select(n => Header("binary/custom-server-binary-type", "binary", BinaryPrefixText.Length + n))];

    private static ReadOnlySpan<byte> BinaryPrefix => "First 10 bytes of request: "u8;

    private static ReadOnlySpan<byte> ResultStart => "{\"result\": \""u8;

    private static ReadOnlySpan<byte> ResultEnd => "\"}"u8;

    /// <summary>The fixed answer for a known search value, or empty when the value is not in the table.</summary>
    public static ReadOnlySpan<byte> ForKnownValue(ReadOnlySpan<byte> value) =>
        value.SequenceEqual("morpheus"u8) ? Morpheus
        : value.SequenceEqual("ring"u8) ? Ring
        : value.SequenceEqual("\U0001F436"u8) ? Dog
        : [];

    public static void WriteBinary(OutputBuffer output, ReadOnlySpan<byte> firstBytes)
    {
        output.Write(BinaryHeaders[firstBytes.Length]);
        output.Write(BinaryPrefix);
        output.Write(firstBytes);
    }

    /// <summary>Writes <c>{"result": "&lt;prefix&gt;&lt;text&gt;&lt;suffix&gt;"}</c>, the text JSON-escaped; for misses and invalid actions.</summary>
    public static void WriteResult(OutputBuffer output, OutputBuffer scratch, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> text, ReadOnlySpan<byte> suffix)
    {
        scratch.Clear();
        scratch.Write(ResultStart);
        scratch.Write(prefix);
        JsonEscape(scratch, text);
        scratch.Write(suffix);
        scratch.Write(ResultEnd);
        WriteHeader(output, "text/json"u8, "utf-8"u8, scratch.Length);
        output.Write(scratch.WrittenSpan);
    }

    private static void WriteHeader(OutputBuffer output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> encoding, int contentLength)
    {
        Span<byte> header = output.GetSpan(2 + 128 + type.Length + encoding.Length);
        int length = 0;
        Append(header, ref length, "{\"byteorder\": \"little\", \"content-type\": \""u8);
        Append(header, ref length, type);
        Append(header, ref length, "\", \"content-encoding\": \""u8);
        Append(header, ref length, encoding);
        Append(header, ref length, "\", \"content-length\": "u8);
        contentLength.TryFormat(header[(2 + length)..], out int digits, default, System.Globalization.CultureInfo.InvariantCulture);
        length += digits;
        Append(header, ref length, "}"u8);
        header[0] = (byte)(length >> 8);
        header[1] = (byte)length;
        output.Advance(2 + length);
    }

    private static void Append(Span<byte> header, ref int length, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(header[(2 + length)..]);
        length += bytes.Length;
    }

    // The reference writes raw UTF-8 (ensure_ascii=False): only quotes, backslashes and control characters need escapes.
    private static void JsonEscape(OutputBuffer output, ReadOnlySpan<byte> text)
    {
        foreach (byte b in text)
        {
            if (b == '"' || b == '\\')
            {
                output.Write([(byte)'\\', b]);
            }
            else if (b < 0x20)
            {
                output.Write([(byte)'\\', (byte)'u', (byte)'0', (byte)'0', Hex(b >> 4), Hex(b & 0xF)]);
            }
            else
            {
                output.Write([b]);
            }
        }
    }

    private static byte Hex(int digit) => (byte)(digit < 10 ? '0' + digit : 'a' + digit - 10);

    private static byte[] JsonFrame(string result)
    {
        var content = new OutputBuffer(256);
        content.Write(ResultStart);
        JsonEscape(content, Encoding.UTF8.GetBytes(result));
        content.Write(ResultEnd);
        var frame = new OutputBuffer(512);
        WriteHeader(frame, "text/json"u8, "utf-8"u8, content.Length);
        frame.Write(content.WrittenSpan);
        return frame.WrittenSpan.ToArray();
    }

    private static byte[] Header(string type, string encoding, int contentLength)
    {
        var frame = new OutputBuffer(256);
        WriteHeader(frame, Encoding.UTF8.GetBytes(type), Encoding.UTF8.GetBytes(encoding), contentLength);
        return frame.WrittenSpan.ToArray();
    }
}
