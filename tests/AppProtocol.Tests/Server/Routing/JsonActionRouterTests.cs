using AppProtocol.Framing;
using AppProtocol.Server.Routing;
using AppProtocol.Tests.Support;

namespace AppProtocol.Tests.Server.Routing;

/// <summary>JsonActionRouter without DI: typed actions by the discriminator, and bad-request replies for what names none or does not deserialize.</summary>
public class JsonActionRouterTests
{
    private static JsonActionRouter Reference() => new JsonActionRouter()
        .MapAction("search", RoutingJsonContext.Default.String, RoutingJsonContext.Default.SearchResponse, value => new SearchResponse(SearchHandler.Answer(new SearchRequest("search", value!))))
        .MapAction("length", RoutingJsonContext.Default.String, RoutingJsonContext.Default.Counted, async (value, exchange, ct) =>
        {
            await Task.Yield();
            return new Counted(value?.Length ?? -1);
        });

    private static async Task<Frame> ExchangeAsync(JsonActionRouter router, byte[] request)
    {
        await using InMemoryServer server = await InMemoryServer.StartAsync(router.Handler);
        await using InMemoryServer.Client client = await server.ConnectAsync();
        return await client.ExchangeAsync(request);
    }

    [Fact]
    public async Task A_known_action_gets_its_typed_answer()
    {
        Frame answer = await ExchangeAsync(Reference(), Requests.Search("morpheus"));

        Assert.Null(Requests.Error(answer));
        Assert.Equal("Follow the white rabbit. \U0001F430", Requests.Result(answer));
    }

    [Theory]
    [InlineData("""{"value": "abc", "action": "length"}""", 3)]
    [InlineData("""{"action": "len\u0067th", "extra": [1, {"action": "search"}], "value": "abcd"}""", 4)]
    [InlineData("""{"action": "length"}""", -1)]
    [InlineData("""{"action": "search", "action": "length", "value": "ab", "value": "abcde"}""", 5)]
    public async Task The_action_and_value_are_found_wherever_and_however_written(string content, int expected)
    {
        Frame answer = await ExchangeAsync(Reference(), JsonRequests.Json(content));

        Assert.Equal(expected, JsonFrameReaderRead(answer).Count);
    }

    [Fact]
    public async Task Content_in_another_encoding_is_routed_too()
    {
        Frame answer = await ExchangeAsync(Reference(), JsonRequests.Json("""{"action": "length", "value": "\u00e9t\u00e9"}""", "utf-16"));

        Assert.Equal(3, JsonFrameReaderRead(answer).Count);
    }

    [Theory]
    [InlineData("""{"action": "delete", "value": "x"}""", "Unknown action 'delete'; known: 'length', 'search'.")]
    [InlineData("""{"value": "x"}""", "The request has no 'action' member.")]
    [InlineData("""{"action": 5, "value": "x"}""", "The request's 'action' member is not a string.")]
    [InlineData("""["search"]""", "The request is not a JSON object with an 'action' member.")]
    [InlineData("""{"action": "search", "value": 5}""", "Action 'search': its value is not a valid String: ")]
    [InlineData("""{"action": "search", "value": "x"} {}""", "The text/json content is not valid JSON: ")]
    [InlineData("""{"action": "search", "value": "x",}""", "The text/json content is not valid JSON: ")]
    [InlineData("", "The text/json content is not valid JSON: ")]
    public async Task What_names_no_action_or_does_not_deserialize_gets_a_bad_request_reply(string content, string message)
    {
        Frame answer = await ExchangeAsync(Reference(), JsonRequests.Json(content));

        Assert.Equal(FrameErrors.BadRequest, Requests.Error(answer));
        Assert.StartsWith(message, JsonRequests.ErrorMessage(answer), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_binary_request_gets_a_bad_request_reply_and_the_connection_stays_open()
    {
        await using InMemoryServer server = await InMemoryServer.StartAsync(Reference().Handler);
        await using InMemoryServer.Client client = await server.ConnectAsync();

        Assert.Equal(FrameErrors.BadRequest, Requests.Error(await client.ExchangeAsync(Requests.Binary("abc"))));
        Assert.Equal("No match for 'x'.", Requests.Result(await client.ExchangeAsync(Requests.Search("x"))));
    }

    [Fact]
    public async Task A_custom_discriminator_routes_on_the_whole_object()
    {
        JsonActionRouter router = new JsonActionRouter("type", valueMember: null)
            .MapAction("query", RoutingJsonContext.Default.Query, RoutingJsonContext.Default.Counted, query => new Counted(query!.Text.Length * query.Limit));

        Assert.Equal(6, JsonFrameReaderRead(await ExchangeAsync(router, JsonRequests.Json("""{"type": "query", "text": "abc", "limit": 2}"""))).Count);
        Frame wrongShape = await ExchangeAsync(router, JsonRequests.Json("""{"type": "query", "text": "abc", "limit": "two"}"""));
        Assert.StartsWith("Action 'query': its value is not a valid Query: ", JsonRequests.ErrorMessage(wrongShape), StringComparison.Ordinal);
        Frame noType = await ExchangeAsync(router, Requests.Search("x"));
        Assert.Equal("The request has no 'type' member.", JsonRequests.ErrorMessage(noType));
    }

    [Fact]
    public async Task The_fallback_answers_what_names_no_action()
    {
        JsonActionRouter router = Reference();
        router.Fallback = (exchange, _) =>
        {
            exchange.RespondJson(new SearchResponse("fallback"), RoutingJsonContext.Default.SearchResponse);
            return ValueTask.CompletedTask;
        };

        Assert.Equal("fallback", Requests.Result(await ExchangeAsync(router, JsonRequests.Json("""{"action": "delete"}"""))));
        Assert.Equal("fallback", Requests.Result(await ExchangeAsync(router, Requests.Binary("abc"))));
        Assert.Equal(FrameErrors.BadRequest, Requests.Error(await ExchangeAsync(router, JsonRequests.Json("{"))));
    }

    [Fact]
    public async Task Streamed_json_is_a_bad_request_and_streamed_binary_goes_to_the_fallback()
    {
        JsonActionRouter router = Reference();
        router.Fallback = async (exchange, ct) =>
        {
            long length = await StreamedRequests.CountAsync(exchange.RequestContent, ct);
            exchange.RespondJson(new SearchResponse($"fallback read {length}"), RoutingJsonContext.Default.SearchResponse);
        };
        await using InMemoryServer server = await StreamedRequests.StartAsync(router.Handler, threshold: 64);
        await using InMemoryServer.Client client = await server.ConnectAsync();

        Frame json = await client.ExchangeAsync(Requests.Search(new string('m', 100)));
        Frame binary = await client.ExchangeAsync(Requests.Binary(new string('b', 100)));

        Assert.Equal(FrameErrors.BadRequest, Requests.Error(json));
        Assert.Contains("routed on buffered content", JsonRequests.ErrorMessage(json), StringComparison.Ordinal);
        Assert.Equal("fallback read 100", Requests.Result(binary));
        Assert.Equal("No match for 'x'.", Requests.Result(await client.ExchangeAsync(Requests.Search("x"))));
    }

    [Fact]
    public async Task A_handler_may_answer_itself_and_its_result_is_not_sent()
    {
        JsonActionRouter router = new JsonActionRouter().MapAction("search", RoutingJsonContext.Default.String, RoutingJsonContext.Default.SearchResponse, (value, exchange, _) =>
        {
            exchange.RespondError(FrameErrors.Unavailable, "Try later.");
            return ValueTask.FromResult<SearchResponse>(null!);
        });

        Assert.Equal(FrameErrors.Unavailable, Requests.Error(await ExchangeAsync(router, Requests.Search("x"))));
    }

    [Fact]
    public async Task Mapping_is_refused_once_serving_and_for_a_duplicate_name()
    {
        JsonActionRouter router = Reference();
        Assert.Throws<ArgumentException>(() => router.MapAction("search", RoutingJsonContext.Default.String, RoutingJsonContext.Default.Counted, _ => new Counted(0)));
        Assert.Throws<ArgumentException>(() => router.MapAction(new string('a', 129), RoutingJsonContext.Default.String, RoutingJsonContext.Default.Counted, _ => new Counted(0)));

        await ExchangeAsync(router, Requests.Search("x"));

        Assert.Throws<InvalidOperationException>(() => router.MapAction("other", RoutingJsonContext.Default.String, RoutingJsonContext.Default.Counted, _ => new Counted(0)));
    }

    private static Counted JsonFrameReaderRead(Frame frame) =>
        AppProtocol.Json.JsonFrameReader.Read(frame, RoutingJsonContext.Default.Counted) ?? throw new Xunit.Sdk.XunitException(Requests.Text(frame));
}
