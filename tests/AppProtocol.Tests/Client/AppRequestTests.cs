using AppProtocol.Samples.AppClient;
using AppProtocol.Tests.Framing;

namespace AppProtocol.Tests.Client;

/// <summary>app-client builds the reference client's request frames byte for byte.</summary>
public sealed class AppRequestTests
{
    [Theory]
    [InlineData("search-morpheus", "search", "morpheus")]
    [InlineData("search-ring", "search", "ring")]
    [InlineData("search-dog-emoji", "search", "🐶")]
    [InlineData("search-no-match", "search", "nope")]
    [InlineData("binary-short", "foo", "bar")]
    [InlineData("binary-long", "binaryaction", "0123456789abc")]
    public void Request_is_the_reference_vector(string vector, string action, string value) =>
        Assert.Equal(Convert.ToHexString(ReferenceVectors.Get($"{vector}/request").Bytes), Convert.ToHexString(AppRequest.Encode(AppRequest.Create(action, value))));

    [Fact]
    public void Json_strings_are_escaped_as_python_escapes_them() =>
        Assert.Equal("{\"action\": \"search\", \"value\": \"q\\\"\\\\\\n\\t\\u0001é🐶\"}", PythonJson.Object(("action", "search"), ("value", "q\"\\\n\t\u0001é🐶")));
}
