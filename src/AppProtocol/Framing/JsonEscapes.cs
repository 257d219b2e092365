namespace AppProtocol.Framing;

/// <summary>The escapes JSON requires, spelled as Python's <c>json.dumps</c> spells them.</summary>
internal static class JsonEscapes
{
    /// <summary>Whether JSON requires <paramref name="c"/> escaped: quotation mark, reverse solidus, control characters.</summary>
    public static bool IsRequired(int c) => c is < 0x20 or '"' or '\\';

    /// <summary>The letter of a two-character escape (<c>\n</c> gives 'n'), or '\0' where only <c>\u00XX</c> will do.</summary>
    public static char ShortEscape(int c) => c switch
    {
        '"' => '"',
        '\\' => '\\',
        '\n' => 'n',
        '\r' => 'r',
        '\t' => 't',
        '\b' => 'b',
        '\f' => 'f',
        _ => '\0',
    };

    /// <summary>The length of the escape of a character that <see cref="IsRequired"/>.</summary>
    public static int Length(int c) => ShortEscape(c) == '\0' ? 6 : 2;

    /// <summary>The low hex digit characters of <c>\u00XX</c>.</summary>
    public static char HexDigit(int value) => "0123456789abcdef"[value & 0xF];
}
