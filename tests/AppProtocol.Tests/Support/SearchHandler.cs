using AppProtocol.Framing;
using AppProtocol.Json;
using AppProtocol.Server;

namespace AppProtocol.Tests.Support;

/// <summary>
/// The tests' own application: a JSON <c>{"action": "search", "value": ...}</c> request is answered
/// <c>{"result": ...}</c> from a small table, a binary request is echoed back. Library tests use it, not the sample's.
/// </summary>
public static class SearchHandler
{
    /// <summary>The content type of an echoed binary request.</summary>
    public const string EchoContentType = "binary/echo";

    private static readonly Dictionary<string, string> Table = new(StringComparer.Ordinal)
    {
        ["morpheus"] = "Follow the white rabbit. \U0001F430",
        ["ring"] = "In the caves beneath the Misty Mountains. \U0001F48D",
    };

    /// <summary>The handler, as a <see cref="FrameHandler"/>.</summary>
    public static FrameHandler Handler { get; } = HandleAsync;

    /// <summary>The answer to a search: the table's entry, else "No match for 'value'.".</summary>
    public static string Answer(SearchRequest? request) => request switch
    {
        { Action: "search", Value: { } value } => Table.TryGetValue(value, out string? result) ? result : $"No match for '{value}'.",
        _ => $"Error: invalid action '{request?.Action}'.",
    };

    public static ValueTask HandleAsync(FrameExchange exchange, CancellationToken cancellationToken)
    {
        Frame request = exchange.Request;
        if (request.Header.IsJson)
        {
            // Invalid content throws a ProtocolException here, which the server answers with a bad-request reply.
            SearchRequest? search = JsonFrameReader.Read(request, TestJsonContext.Default.SearchRequest);
            exchange.RespondJson(new SearchResponse(Answer(search)), TestJsonContext.Default.SearchResponse);
        }
        else
        {
            exchange.Respond(new Frame(FrameHeader.Binary(EchoContentType, request.Content.Length), request.Content));
        }

        return ValueTask.CompletedTask;
    }
}
