using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using AppProtocol.Framing;

namespace AppProtocol.Server.Routing;

/// <summary>The actions a <see cref="JsonActionRouter"/> maps, frozen for lookups by the discriminator's text when it first routes.</summary>
internal sealed class JsonActionTable(string discriminator, string? valueMember)
{
    /// <summary>The longest action name: bounds the stack buffer its lookup copies the discriminator's text into.</summary>
    public const int MaxNameLength = 128;

    // A UTF-16 unit takes at most 6 bytes in JSON (\uXXXX): a longer discriminator cannot name an action.
    private const int MaxEscapedBytesPerChar = 6;

    private readonly Dictionary<string, JsonAction> _mapping = new(StringComparer.Ordinal);
    private volatile Frozen? _frozen;

    public byte[] Discriminator { get; } = Encoding.UTF8.GetBytes(discriminator);

    public string DiscriminatorName { get; } = discriminator;

    public byte[]? ValueMember { get; } = valueMember is null ? null : Encoding.UTF8.GetBytes(valueMember);

    public string? ValueMemberName { get; } = valueMember;

    public void Add(JsonAction action)
    {
        ArgumentException.ThrowIfNullOrEmpty(action.Name, "action");
        if (action.Name.Length > MaxNameLength)
        {
            throw new ArgumentException($"An action's name is at most {MaxNameLength} characters.", "action");
        }

        lock (_mapping)
        {
            if (_frozen is not null)
            {
                throw new InvalidOperationException("The router has already handled a request: map every action before serving.");
            }

            if (!_mapping.TryAdd(action.Name, action))
            {
                throw new ArgumentException($"The action '{action.Name}' is already mapped.", "action");
            }
        }
    }

    /// <summary>Finds the action of a request (one pass over its content).</summary>
    /// <exception cref="ProtocolException">The content is not one valid JSON value.</exception>
    public ActionMatch Match(in Frame request)
    {
        // Frozen at the first request, whatever it names, so that mapping later fails every time, not by chance.
        _ = _frozen ?? Freeze();
        return ActionScanner.Scan(Utf8Content.Of(request), this);
    }

    /// <summary>The action the discriminator's string token names, or <see langword="null"/>.</summary>
    public JsonAction? Find(ref Utf8JsonReader name)
    {
        Frozen frozen = _frozen ?? Freeze();
        long escapedLength = name.HasValueSequence ? name.ValueSequence.Length : name.ValueSpan.Length;
        if (escapedLength > frozen.LongestName * MaxEscapedBytesPerChar)
        {
            return null;
        }

        // Unescaped, a string has at most as many UTF-16 units as its JSON text has bytes.
        Span<char> text = stackalloc char[(int)escapedLength];
        int length = name.CopyString(text);
        return frozen.Lookup.TryGetValue(text[..length], out JsonAction? action) ? action : null;
    }

    /// <summary>The mapped names, for an unknown action's error message.</summary>
    public string KnownNames() => string.Join(", ", (_frozen ?? Freeze()).Lookup.Dictionary.Keys.Order(StringComparer.Ordinal).Select(n => $"'{n}'"));

    private Frozen Freeze()
    {
        lock (_mapping)
        {
            return _frozen ??= new Frozen(_mapping.ToFrozenDictionary(StringComparer.Ordinal));
        }
    }

    private sealed class Frozen(FrozenDictionary<string, JsonAction> actions)
    {
        public FrozenDictionary<string, JsonAction>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; } = actions.GetAlternateLookup<ReadOnlySpan<char>>();

        public int LongestName { get; } = actions.Count == 0 ? 0 : actions.Keys.Max(n => n.Length);
    }
}
