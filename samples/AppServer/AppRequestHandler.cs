using System.Buffers;
using System.Collections.Frozen;
using AppProtocol.Framing;
using AppProtocol.Json;
using AppProtocol.Samples;
using AppProtocol.Server;

namespace AppServer;

/// <summary>The reference server's application (SPEC.md section 3): a search table for JSON requests, a prefix echo for binary ones.</summary>
/// <param name="console">Where requests and responses are printed, as the reference prints them; none when <see langword="null"/>.</param>
/// <param name="closeAfterResponse">Whether the server closes after each response: the printed response then shows the
/// <c>"connection": "close"</c> member the server adds (docs/PROTOCOL.md, E2), so it is what goes on the wire.</param>
public sealed class AppRequestHandler(AppConsole? console = null, bool closeAfterResponse = false)
{
    // Frozen: looked up once per request, never changed.
    private static readonly FrozenDictionary<string, string> SearchTable = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["morpheus"] = "Follow the white rabbit. \U0001F430",
        ["ring"] = "In the caves beneath the Misty Mountains. \U0001F48D",
        ["\U0001F436"] = "\U0001F43E Playing ball! \U0001F3D0",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly byte[] BinaryPrefix = "First 10 bytes of request: "u8.ToArray();

    /// <summary>The answer to a request, as the reference computes it.</summary>
    /// <param name="request">The request's content.</param>
    /// <returns>The <c>result</c> text.</returns>
    public static string Answer(AppRequest? request)
    {
        // Python prints a missing member as None; so does the reference's answer.
        string action = request?.Action ?? "None";
        if (action != "search")
        {
            return $"Error: invalid action '{action}'.";
        }

        string value = request?.Value ?? "None";
        return SearchTable.TryGetValue(value, out string? result) ? result : $"No match for '{value}'.";
    }

    /// <summary>Answers one exchange; a <see cref="FrameHandler"/>.</summary>
    /// <param name="exchange">The request and its response.</param>
    /// <param name="cancellationToken">Unused: the answer is computed at once.</param>
    /// <returns>A completed task.</returns>
    public ValueTask HandleAsync(FrameExchange exchange, CancellationToken cancellationToken)
    {
        Frame request = exchange.Request;
        console?.Received(request, exchange.Connection.RemoteEndPoint);
        if (console is null)
        {
            Respond(exchange, request);
        }
        else
        {
            // The console prints the response's bytes, so they are made first, then sent as the frame they are.
            var printed = new ArrayBufferWriter<byte>();
            Write(printed, request, closeAfterResponse ? ConnectionMember.CloseOnly : null);
            console.Sending(printed.WrittenSpan, exchange.Connection.RemoteEndPoint);
            var bytes = new ReadOnlySequence<byte>(printed.WrittenMemory);
            new FrameParser().TryParse(ref bytes, out Frame response);
            exchange.Respond(response);
        }

        return ValueTask.CompletedTask;
    }

    private static void Respond(FrameExchange exchange, in Frame request)
    {
        if (request.Header.IsJson)
        {
            AppRequest? content = JsonFrameReader.Read(request, AppJsonContext.Default.AppRequest);
            exchange.RespondJson(new AppResponse(Answer(content)), AppJsonContext.Default.AppResponse);
        }
        else
        {
            Span<byte> answer = stackalloc byte[BinaryPrefix.Length + 10];
            int length = BinaryAnswer(request, answer);
            exchange.Respond(FrameHeader.Binary(SampleContentTypes.ServerBinary, length), answer[..length]);
        }
    }

    private static void Write(IBufferWriter<byte> output, in Frame request, IReadOnlyDictionary<string, System.Text.Json.JsonElement>? extraMembers)
    {
        if (request.Header.IsJson)
        {
            AppRequest? content = JsonFrameReader.Read(request, AppJsonContext.Default.AppRequest);
            JsonFrameWriter.Write(output, new AppResponse(Answer(content)), AppJsonContext.Default.AppResponse, extraMembers);
        }
        else
        {
            Span<byte> answer = stackalloc byte[BinaryPrefix.Length + 10];
            int length = BinaryAnswer(request, answer);
            FrameWriter.Write(output, FrameHeader.Binary(SampleContentTypes.ServerBinary, length) with { ExtraMembers = extraMembers }, answer[..length]);
        }
    }

    // The reference answers a binary request with a prefix and the request's first 10 bytes.
    private static int BinaryAnswer(in Frame request, Span<byte> answer)
    {
        ReadOnlySequence<byte> first = request.Content.Slice(0, Math.Min(10, request.Content.Length));
        BinaryPrefix.CopyTo(answer);
        first.CopyTo(answer[BinaryPrefix.Length..]);
        return BinaryPrefix.Length + (int)first.Length;
    }
}
