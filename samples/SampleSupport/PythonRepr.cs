using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace AppProtocol.Samples;

/// <summary>Formats values as Python's <c>repr</c> does, so the samples print what the reference programs print.</summary>
public static class PythonRepr
{
    /// <summary>A socket address: <c>('127.0.0.1', 65432)</c>, <c>('::1', 65432, 0, 0)</c>, or a Unix socket's path.</summary>
    /// <param name="endPoint">The end point.</param>
    /// <returns>The text.</returns>
    public static string Address(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip => $"('{ip.Address}', {ip.Port}, 0, {ip.Address.ScopeId})",
        IPEndPoint ip => $"('{ip.Address}', {ip.Port})",
        null => "''",
        _ => Str(endPoint.ToString() ?? ""),
    };

    /// <summary>A host and port as the reference prints its listen address: <c>('', 65432)</c>.</summary>
    /// <param name="host">The host as given.</param>
    /// <param name="port">The port.</param>
    /// <returns>The text.</returns>
    public static string HostPort(string host, int port) => $"({Str(host)}, {port})";

    /// <summary>A bytes literal: <c>b'Hello, world'</c>, other bytes as <c>\xNN</c>.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The text.</returns>
    public static string Bytes(ReadOnlySpan<byte> bytes)
    {
        char quote = bytes.Contains((byte)'\'') && !bytes.Contains((byte)'"') ? '"' : '\'';
        var text = new StringBuilder("b").Append(quote);
        foreach (byte b in bytes)
        {
            _ = b switch
            {
                (byte)'\\' => text.Append(@"\\"),
                (byte)'\n' => text.Append(@"\n"),
                (byte)'\r' => text.Append(@"\r"),
                (byte)'\t' => text.Append(@"\t"),
                _ when b == quote => text.Append('\\').Append(quote),
                >= 0x20 and < 0x7f => text.Append((char)b),
                _ => text.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}"),
            };
        }

        return text.Append(quote).ToString();
    }

    /// <summary>A string literal: <c>'text'</c>, or <c>"it's"</c> when it holds a single quote only.</summary>
    /// <param name="value">The string.</param>
    /// <returns>The text.</returns>
    public static string Str(string value)
    {
        char quote = value.Contains('\'', StringComparison.Ordinal) && !value.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var text = new StringBuilder().Append(quote);
        foreach (char c in value)
        {
            _ = c switch
            {
                '\\' => text.Append(@"\\"),
                '\n' => text.Append(@"\n"),
                '\r' => text.Append(@"\r"),
                '\t' => text.Append(@"\t"),
                _ when c == quote => text.Append('\\').Append(quote),
                < ' ' or '\x7f' => text.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => text.Append(c),
            };
        }

        return text.Append(quote).ToString();
    }

    /// <summary>A JSON value as the Python object <c>json.loads</c> gives: dict, list, str, int/float, True/False/None.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text.</returns>
    public static string Json(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(", ", value.EnumerateObject().Select(p => $"{Str(p.Name)}: {Json(p.Value)}")) + "}",
        JsonValueKind.Array => "[" + string.Join(", ", value.EnumerateArray().Select(Json)) + "]",
        JsonValueKind.String => Str(value.GetString()!),
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.Null => "None",
        _ => value.GetRawText(),
    };
}
