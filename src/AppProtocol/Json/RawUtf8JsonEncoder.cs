using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using AppProtocol.Framing;

namespace AppProtocol.Json;

/// <summary>
/// Escapes only what JSON requires (quotation mark, reverse solidus, control characters) and writes every other
/// character as raw UTF-8, as the reference's <c>json.dumps(ensure_ascii=False)</c> does. The built-in encoders
/// escape every character outside the Basic Multilingual Plane, emoji included.
/// </summary>
/// <remarks>Not for JSON embedded in HTML or script: that is what the escaping of the built-in encoders is for.</remarks>
internal sealed class RawUtf8JsonEncoder : JavaScriptEncoder
{
    private const int ControlLimit = 0x20;

    private static readonly SearchValues<char> SpecialChars = SearchValues.Create(
        [.. Enumerable.Range(0, ControlLimit).Select(c => (char)c), '"', '\\', .. Enumerable.Range(0xD800, 0x800).Select(c => (char)c)]);

    private static readonly SearchValues<byte> SpecialBytes = SearchValues.Create(
        [.. Enumerable.Range(0, ControlLimit).Select(c => (byte)c), (byte)'"', (byte)'\\']);

    private RawUtf8JsonEncoder()
    {
    }

    public static RawUtf8JsonEncoder Instance { get; } = new();

    // "\u001f" is the longest escape.
    public override int MaxOutputCharactersPerInputCharacter => 6;

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        var span = new ReadOnlySpan<char>(text, textLength);
        for (int i = 0; i < span.Length;)
        {
            int at = span[i..].IndexOfAny(SpecialChars);
            if (at < 0)
            {
                return -1;
            }

            i += at;

            // A surrogate pair is one character, written raw; a lone surrogate is for the encoder to deal with.
            if (char.IsHighSurrogate(span[i]) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                i += 2;
                continue;
            }

            return i;
        }

        return -1;
    }

    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text)
    {
        int special = utf8Text.IndexOfAny(SpecialBytes);
        ReadOnlySpan<byte> plain = special < 0 ? utf8Text : utf8Text[..special];

        // Raw output must still be valid UTF-8: hand an invalid sequence to the encoder, which replaces it.
        return Utf8.IsValid(plain) ? special : FirstInvalid(plain);
    }

    public override bool WillEncode(int unicodeScalar) => JsonEscapes.IsRequired(unicodeScalar);

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var destination = new Span<char>(buffer, bufferLength);
        if (!WillEncode(unicodeScalar))
        {
            return new Rune(unicodeScalar).TryEncodeToUtf16(destination, out numberOfCharactersWritten);
        }

        numberOfCharactersWritten = JsonEscapes.Length(unicodeScalar);
        if (destination.Length < numberOfCharactersWritten)
        {
            numberOfCharactersWritten = 0;
            return false;
        }

        destination[0] = '\\';
        char shortEscape = JsonEscapes.ShortEscape(unicodeScalar);
        if (shortEscape != '\0')
        {
            destination[1] = shortEscape;
        }
        else
        {
            "u00".CopyTo(destination[1..]);
            destination[4] = JsonEscapes.HexDigit(unicodeScalar >> 4);
            destination[5] = JsonEscapes.HexDigit(unicodeScalar);
        }

        return true;
    }

    private static int FirstInvalid(ReadOnlySpan<byte> utf8)
    {
        for (int i = 0; i < utf8.Length;)
        {
            if (Rune.DecodeFromUtf8(utf8[i..], out _, out int consumed) != OperationStatus.Done)
            {
                return i;
            }

            i += consumed;
        }

        return -1;
    }
}
