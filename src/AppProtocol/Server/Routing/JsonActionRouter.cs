using System.Text.Json.Serialization.Metadata;
using AppProtocol.Framing;

namespace AppProtocol.Server.Routing;

/// <summary>
/// Routes <c>text/json</c> requests to typed handlers by the string in a discriminator member:
/// <c>{"action": "search", "value": ...}</c> as the reference sends them, or any member named at construction.
/// </summary>
/// <remarks>
/// <para>
/// The discriminator is read with a <see cref="System.Text.Json.Utf8JsonReader"/> over the request's content, in one
/// pass that also checks the whole content is one valid JSON object; then only the request value is deserialized,
/// with the action's source-generated <see cref="JsonTypeInfo{T}"/> (trim- and AOT-safe, no reflection). The value
/// is the <see cref="ValueMember"/> member's (a missing member reads as JSON <c>null</c>), or the whole object
/// when <see cref="ValueMember"/> is <see langword="null"/>. Action names match ordinally; a duplicated member
/// counts by its last occurrence, as Python's <c>json.loads</c> keeps it. The JSON is read strictly (no comments,
/// no trailing commas), whatever the type information's options say.
/// </para>
/// <para>
/// Content that is not valid JSON, or a value that does not deserialize, throws a <see cref="ProtocolException"/>,
/// which the server answers with a <see cref="FrameErrors.BadRequest"/> error reply. A request that names no
/// mapped action (a non-JSON frame, no or a non-string discriminator, an unknown action) goes to
/// <see cref="Fallback"/>, or gets a bad-request reply when there is none. Map every action before serving:
/// <see cref="MapAction{TRequest, TResponse}(string, JsonTypeInfo{TRequest}, JsonTypeInfo{TResponse}, Func{TRequest, FrameExchange, CancellationToken, ValueTask{TResponse}})"/>
/// throws once the router has handled a request.
/// </para>
/// </remarks>
public sealed class JsonActionRouter
{
    /// <summary>The reference's discriminator member: <c>"action"</c>.</summary>
    public const string DefaultDiscriminator = "action";

    /// <summary>The reference's value member: <c>"value"</c>.</summary>
    public const string DefaultValueMember = "value";

    private readonly JsonActionTable _table;

    /// <summary>Creates a router for the reference's shape, <c>{"action": name, "value": request}</c>.</summary>
    public JsonActionRouter()
        : this(DefaultDiscriminator, DefaultValueMember)
    {
    }

    /// <summary>Creates a router that reads the action's name from <paramref name="discriminator"/>.</summary>
    /// <param name="discriminator">The member that names the action, for example <c>"type"</c>.</param>
    /// <param name="valueMember">The member that holds the request, or <see langword="null"/> when the whole object is the request.</param>
    public JsonActionRouter(string discriminator, string? valueMember)
    {
        ArgumentException.ThrowIfNullOrEmpty(discriminator);
        if (valueMember is not null)
        {
            ArgumentException.ThrowIfNullOrEmpty(valueMember);
            if (valueMember == discriminator)
            {
                throw new ArgumentException("The value member must differ from the discriminator.", nameof(valueMember));
            }
        }

        Discriminator = discriminator;
        ValueMember = valueMember;
        _table = new JsonActionTable(discriminator, valueMember);
        Handler = HandleAsync;
    }

    /// <summary>The member that names the action.</summary>
    public string Discriminator { get; }

    /// <summary>The member that holds the request, or <see langword="null"/> when the whole object is the request.</summary>
    public string? ValueMember { get; }

    /// <summary>Answers the requests that name no mapped action; <see langword="null"/> (the default) answers them with a bad-request error reply.</summary>
    public FrameHandler? Fallback { get; set; }

    /// <summary>This router as a <see cref="FrameHandler"/>, made once.</summary>
    public FrameHandler Handler { get; }

    /// <summary>Maps an action to an asynchronous handler.</summary>
    /// <typeparam name="TRequest">The request value's type.</typeparam>
    /// <typeparam name="TResponse">The response content's type.</typeparam>
    /// <param name="action">The action's name, as the discriminator gives it (1 to 128 characters).</param>
    /// <param name="requestTypeInfo">Source-generated metadata to read the request value.</param>
    /// <param name="responseTypeInfo">Source-generated metadata to write the response.</param>
    /// <param name="handler">Computes the response from the request value, the exchange (its connection) and the exchange's cancellation token. The router responds with its result, unless the handler already responded on the exchange.</param>
    /// <returns>This router.</returns>
    /// <exception cref="ArgumentException">The action is already mapped, or its name is empty or too long.</exception>
    /// <exception cref="InvalidOperationException">The router has already handled a request.</exception>
    public JsonActionRouter MapAction<TRequest, TResponse>(
        string action,
        JsonTypeInfo<TRequest> requestTypeInfo,
        JsonTypeInfo<TResponse> responseTypeInfo,
        Func<TRequest?, FrameExchange, CancellationToken, ValueTask<TResponse>> handler)
    {
        ArgumentNullException.ThrowIfNull(requestTypeInfo);
        ArgumentNullException.ThrowIfNull(responseTypeInfo);
        ArgumentNullException.ThrowIfNull(handler);
        _table.Add(new JsonAction<TRequest, TResponse>(action, requestTypeInfo, responseTypeInfo, handler));
        return this;
    }

    /// <summary>Maps an action to a handler that computes its response at once.</summary>
    /// <typeparam name="TRequest">The request value's type.</typeparam>
    /// <typeparam name="TResponse">The response content's type.</typeparam>
    /// <param name="action">The action's name, as the discriminator gives it (1 to 128 characters).</param>
    /// <param name="requestTypeInfo">Source-generated metadata to read the request value.</param>
    /// <param name="responseTypeInfo">Source-generated metadata to write the response.</param>
    /// <param name="handler">Computes the response from the request value.</param>
    /// <returns>This router.</returns>
    /// <exception cref="ArgumentException">The action is already mapped, or its name is empty or too long.</exception>
    /// <exception cref="InvalidOperationException">The router has already handled a request.</exception>
    public JsonActionRouter MapAction<TRequest, TResponse>(
        string action,
        JsonTypeInfo<TRequest> requestTypeInfo,
        JsonTypeInfo<TResponse> responseTypeInfo,
        Func<TRequest?, TResponse> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return MapAction(action, requestTypeInfo, responseTypeInfo, (request, _, _) => new ValueTask<TResponse>(handler(request)));
    }

    /// <summary>Routes one exchange; a <see cref="FrameHandler"/>.</summary>
    /// <param name="exchange">The request and its response.</param>
    /// <param name="cancellationToken">The exchange's token, passed to the action's handler.</param>
    /// <returns>A task that completes when the response is written.</returns>
    /// <exception cref="ProtocolException">The content is not valid JSON, names no mapped action and there is no fallback, or its value does not deserialize; or JSON content is streamed (over <see cref="FrameServerOptions.RequestStreamingThreshold"/>). Binary content goes to the fallback, streamed or not.</exception>
    public ValueTask HandleAsync(FrameExchange exchange, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        FrameHeader header = exchange.RequestHeader;
        if (!header.IsJson)
        {
            return Fallback?.Invoke(exchange, cancellationToken)
                ?? throw new ProtocolException(ProtocolError.NotJsonContent, $"The content-type is '{header.ContentType}', not '{ContentTypes.Json}': actions are JSON requests.");
        }

        if (exchange.IsRequestContentStreamed)
        {
            // Routing reads the action from the content, so it needs the content whole.
            throw new ProtocolException(ProtocolError.ContentTooLarge, $"The JSON content of {header.ContentLength} bytes is over the server's RequestStreamingThreshold, so it is streamed; JSON actions are routed on buffered content.");
        }

        Frame request = exchange.Request;
        ActionMatch match = _table.Match(request);
        if (match.Action is { } action)
        {
            return match.Invoke(action, exchange, cancellationToken);
        }

        return Fallback?.Invoke(exchange, cancellationToken) ?? throw match.NoActionError();
    }
}
