using AppProtocol.Samples;

namespace AppProtocol.Tests.Client;

/// <summary>The app-client's formatter must print bytes exactly as Python's repr() does.</summary>
public sealed class PythonBytesTests
{
    [Theory]
    [InlineData("", "b''")]
    [InlineData("Hello, world", "b'Hello, world'")]
    [InlineData("it's", "b\"it's\"")]
    [InlineData("say \"hi\"", "b'say \"hi\"'")]
    [InlineData("it's \"both\"", "b'it\\'s \"both\"'")]
    [InlineData("back\\slash", "b'back\\\\slash'")]
    [InlineData("tab\tnew\nret\r", "b'tab\\tnew\\nret\\r'")]
    [InlineData("\0\u0001\u001f\u007f", "b'\\x00\\x01\\x1f\\x7f'")]
    [InlineData(" ~", "b' ~'")]
    public void Formats_like_python(string latin1, string expected) =>
        Assert.Equal(expected, PythonRepr.Bytes(System.Text.Encoding.Latin1.GetBytes(latin1)));

    [Fact]
    public void High_bytes_are_lowercase_hex_escapes() =>
        Assert.Equal("b'\\xf0\\x9f\\x90\\xb0 \\x80\\xff'", PythonRepr.Bytes([0xf0, 0x9f, 0x90, 0xb0, 0x20, 0x80, 0xff]));
}
