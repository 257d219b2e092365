using System.Buffers;
using System.Text.Json;
using AppProtocol.Framing;

namespace AppProtocol.Server.Routing;

/// <summary>
/// Reads a request's top-level members once with a <see cref="Utf8JsonReader"/>: finds the discriminator and the
/// value member, skips the others without materializing them, and checks that nothing follows the object.
/// </summary>
internal static class ActionScanner
{
    /// <exception cref="ProtocolException">The content is not one valid JSON value.</exception>
    public static ActionMatch Scan(ReadOnlySequence<byte> content, JsonActionTable table)
    {
        var reader = new Utf8JsonReader(content, default(JsonReaderOptions));
        var match = new ActionMatch { Table = table, Reason = NoAction.Missing };
        try
        {
            if (table.ValueMember is null)
            {
                // The whole object is the request: deserialization starts where the scan does.
                match.Value = reader;
                match.HasValue = true;
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                match.Reason = NoAction.NotAnObject;
            }
            else
            {
                ReadMembers(ref reader, table, ref match);
            }

            // After one value only whitespace may follow; the reader throws on anything else.
            if (reader.Read())
            {
                throw new JsonException("Data follows the JSON value.");
            }
        }
        catch (JsonException ex)
        {
            throw new ProtocolException(ProtocolError.InvalidContent, $"The text/json content is not valid JSON: {ex.Message}", ex);
        }

        return match;
    }

    private static void ReadMembers(ref Utf8JsonReader reader, JsonActionTable table, ref ActionMatch match)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(table.Discriminator))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    match.Action = table.Find(ref reader);
                    match.Reason = match.Action is null ? NoAction.Unknown : NoAction.None;
                    match.Name = reader;
                }
                else
                {
                    match.Action = null;
                    match.Reason = NoAction.NotAString;
                    reader.Skip();
                }
            }
            else if (table.ValueMember is { } valueMember && reader.ValueTextEquals(valueMember))
            {
                match.Value = reader;
                match.HasValue = true;
                reader.Skip();
            }
            else
            {
                reader.Skip();
            }
        }
    }
}
