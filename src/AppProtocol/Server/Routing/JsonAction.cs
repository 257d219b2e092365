using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AppProtocol.Framing;

namespace AppProtocol.Server.Routing;

/// <summary>One mapped action: its name and how to read its request, run its handler and write its response.</summary>
internal abstract class JsonAction(string name)
{
    /// <summary>The name the discriminator must give.</summary>
    public string Name { get; } = name;

    /// <summary>Deserializes the request from <paramref name="value"/> (positioned at the value's member name, or before the whole object), then runs the handler.</summary>
    /// <param name="value">The reader at the value.</param>
    /// <param name="hasValue">Whether the value member was there; a missing one reads as <c>null</c>.</param>
    /// <param name="exchange">The exchange.</param>
    /// <param name="cancellationToken">The exchange's token.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public abstract ValueTask InvokeAsync(ref Utf8JsonReader value, bool hasValue, FrameExchange exchange, CancellationToken cancellationToken);
}

/// <summary>An action with typed request and response.</summary>
internal sealed class JsonAction<TRequest, TResponse>(
    string name,
    JsonTypeInfo<TRequest> requestTypeInfo,
    JsonTypeInfo<TResponse> responseTypeInfo,
    Func<TRequest?, FrameExchange, CancellationToken, ValueTask<TResponse>> handler) : JsonAction(name)
{
    public override ValueTask InvokeAsync(ref Utf8JsonReader value, bool hasValue, FrameExchange exchange, CancellationToken cancellationToken)
    {
        TRequest? request = Read(ref value, hasValue);
        ValueTask<TResponse> pending = handler(request, exchange, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            // The usual case for quick handlers: no state machine.
            Respond(exchange, pending.Result);
            return ValueTask.CompletedTask;
        }

        return RespondWhenDoneAsync(pending, exchange);
    }

    private TRequest? Read(ref Utf8JsonReader value, bool hasValue)
    {
        try
        {
            return hasValue ? JsonSerializer.Deserialize(ref value, requestTypeInfo) : JsonSerializer.Deserialize("null"u8, requestTypeInfo);
        }
        catch (JsonException ex)
        {
            string problem = hasValue ? $"its value is not a valid {typeof(TRequest).Name}: {ex.Message}" : "the request has no value";
            throw new ProtocolException(ProtocolError.InvalidContent, $"Action '{Name}': {problem}", ex);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask RespondWhenDoneAsync(ValueTask<TResponse> pending, FrameExchange exchange) =>
        Respond(exchange, await pending.ConfigureAwait(false));

    // A handler may have answered on the exchange itself (an error reply, say): then its result is not sent.
    private void Respond(FrameExchange exchange, TResponse response)
    {
        if (!exchange.HasResponded)
        {
            exchange.RespondJson(response, responseTypeInfo);
        }
    }
}
