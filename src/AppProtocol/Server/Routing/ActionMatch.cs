using System.Text.Json;
using AppProtocol.Framing;

namespace AppProtocol.Server.Routing;

/// <summary>Why a request names no mapped action.</summary>
internal enum NoAction
{
    /// <summary>An action was found.</summary>
    None,

    /// <summary>The content is valid JSON but not an object.</summary>
    NotAnObject,

    /// <summary>The object has no discriminator member.</summary>
    Missing,

    /// <summary>The discriminator is not a string.</summary>
    NotAString,

    /// <summary>The discriminator names no mapped action.</summary>
    Unknown,
}

/// <summary>What a scan of a request found: the action and a reader at its value, or why there is none.</summary>
internal ref struct ActionMatch
{
    /// <summary>The action, or <see langword="null"/> (see <see cref="Reason"/>).</summary>
    public JsonAction? Action;

    /// <summary>A reader at the value member's name, or before the whole object when the object is the request.</summary>
    public Utf8JsonReader Value;

    /// <summary>Whether <see cref="Value"/> is set.</summary>
    public bool HasValue;

    /// <summary>Why <see cref="Action"/> is <see langword="null"/>.</summary>
    public NoAction Reason;

    /// <summary>For <see cref="NoAction.Unknown"/>: a reader at the discriminator's string, read only for the error message.</summary>
    public Utf8JsonReader Name;

    internal JsonActionTable Table;

    private const int MaxNameInMessage = 64;

    /// <summary>Runs <paramref name="action"/> on the value.</summary>
    public ValueTask Invoke(JsonAction action, FrameExchange exchange, CancellationToken cancellationToken) =>
        action.InvokeAsync(ref Value, HasValue, exchange, cancellationToken);

    /// <summary>The bad-request error for a request that names no mapped action.</summary>
    public readonly ProtocolException NoActionError()
    {
        string member = Table.DiscriminatorName;
        string message = Reason switch
        {
            NoAction.NotAnObject => $"The request is not a JSON object with an '{member}' member.",
            NoAction.Missing => $"The request has no '{member}' member.",
            NoAction.NotAString => $"The request's '{member}' member is not a string.",
            _ => $"Unknown action '{Shortened(Name.GetString() ?? "")}'; known: {Table.KnownNames()}.",
        };
        return new ProtocolException(ProtocolError.InvalidContent, message);
    }

    private static string Shortened(string name) => name.Length <= MaxNameInMessage ? name : string.Concat(name.AsSpan(0, MaxNameInMessage), "...");
}
