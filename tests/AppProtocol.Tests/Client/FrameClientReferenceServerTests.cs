using System.Buffers;
using System.Text;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Samples;

namespace AppProtocol.Tests.Client;

/// <summary>FrameClient against the Python reference server (tests/reference/app-server.py), which closes after each answer.</summary>
public sealed class FrameClientReferenceServerTests(PythonReferenceServerFixture server) : IClassFixture<PythonReferenceServerFixture>
{
    [Theory]
    [InlineData("morpheus", "Follow the white rabbit. 🐰")]
    [InlineData("ring", "In the caves beneath the Misty Mountains. 💍")]
    [InlineData("🐶", "🐾 Playing ball! 🏐")]
    [InlineData("nope", "No match for 'nope'.")]
    public async Task Search_gets_the_reference_answer(string value, string expected)
    {
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port });

        SearchAnswer? answer = await client.SendJsonAsync(new SearchQuery("search", value), ReferenceJson.Default.SearchQuery, ReferenceJson.Default.SearchAnswer);

        Assert.Equal(expected, answer?.Result);
    }

    [Fact]
    public async Task Another_json_action_is_an_invalid_action()
    {
        await using var client = new FrameClient(new FrameClientOptions { Host = "localhost", Port = server.Port });

        SearchAnswer? answer = await client.SendJsonAsync(new SearchQuery("find", "x"), ReferenceJson.Default.SearchQuery, ReferenceJson.Default.SearchAnswer);

        Assert.Equal("Error: invalid action 'find'.", answer?.Result);
    }

    [Theory]
    [InlineData("foobar", "First 10 bytes of request: foobar")]
    [InlineData("binaryaction0123456789abc", "First 10 bytes of request: binaryacti")]
    public async Task Binary_request_gets_its_first_ten_bytes_back(string content, string expected)
    {
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port });

        Frame response = await client.SendAsync(Frame.Binary(SampleContentTypes.ClientBinary, Encoding.UTF8.GetBytes(content)));

        Assert.Equal(SampleContentTypes.ServerBinary, response.Header.ContentType);
        Assert.Equal(ContentTypes.BinaryEncoding, response.Header.ContentEncoding);
        Assert.Equal(expected, Encoding.UTF8.GetString(response.Content.ToArray()));
    }

    [Fact]
    public async Task Sequential_requests_reconnect_after_the_server_closes()
    {
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port });

        var responses = new List<string>();
        foreach (string content in new[] { "one", "two", "three", "four" })
        {
            Frame response = await client.SendAsync(Frame.Binary(SampleContentTypes.ClientBinary, Encoding.UTF8.GetBytes(content)));
            responses.Add(Encoding.UTF8.GetString(response.Content.ToArray()));
        }

        Assert.Equal(["First 10 bytes of request: one", "First 10 bytes of request: two", "First 10 bytes of request: three", "First 10 bytes of request: four"], responses);
    }
}
