using System.Text.Json;
using AppProtocol.Framing;
using AppProtocol.Tests.Framing;

namespace AppProtocol.Tests.Server;

/// <summary>
/// Every case of SPEC section 3: the reference client's request bytes replayed to the sample application (the
/// subject here), the answer compared to the reference server's.
/// </summary>
public class ReferenceCaseTests
{
    public static TheoryData<string> Cases() => new(CaseNames());

    private static string[] CaseNames() =>
        [.. ReferenceVectors.Frames.Where(v => v.Name.EndsWith("/request", StringComparison.Ordinal)).Select(v => v.Name[..^"/request".Length])];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Answers_reference_request_as_reference_server_does(string name)
    {
        await using TestServer server = await TestServer.StartAsync(new AppServer.AppRequestHandler().HandleAsync);
        await using RawClient client = await server.ConnectAsync();

        Frame answer = await client.ExchangeAsync(ReferenceVectors.Get(name + "/request").Bytes);

        AssertSameAnswer(ReferenceVectors.Get(name + "/response"), answer);
    }

    [Fact]
    public async Task Answers_every_reference_request_pipelined_on_one_connection_in_order()
    {
        await using TestServer server = await TestServer.StartAsync(new AppServer.AppRequestHandler().HandleAsync);
        await using RawClient client = await server.ConnectAsync();
        string[] names = CaseNames();

        await client.SendAsync(names.SelectMany(n => ReferenceVectors.Get(n + "/request").Bytes).ToArray());

        foreach (string name in names)
        {
            AssertSameAnswer(ReferenceVectors.Get(name + "/response"), (await client.ReadFrameAsync())!.Value);
        }
    }

    /// <summary>Same header fields and same content; JSON content compared as JSON (the reference's separators differ).</summary>
    private static void AssertSameAnswer(ReferenceVectors.Vector expected, Frame actual)
    {
        Assert.Equal(expected.ContentType, actual.Header.ContentType);
        Assert.Equal(expected.ContentEncoding, actual.Header.ContentEncoding);
        Assert.Equal(actual.Content.Length, actual.Header.ContentLength);
        if (actual.Header.IsJson)
        {
            using var want = JsonDocument.Parse(expected.Content);
            using var got = JsonDocument.Parse(actual.Content);
            Assert.True(JsonElement.DeepEquals(want.RootElement, got.RootElement), $"Expected {want.RootElement.GetRawText()}, got {got.RootElement.GetRawText()}.");
        }
        else
        {
            Assert.Equal(expected.Content, System.Buffers.BuffersExtensions.ToArray(actual.Content));
        }
    }
}
