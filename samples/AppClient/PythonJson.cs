using System.Globalization;
using System.Text;

namespace AppProtocol.Samples.AppClient;

/// <summary>
/// Writes JSON text the way Python's <c>json.dumps(..., ensure_ascii=False)</c> does, so that the request bytes are
/// exactly the reference client's: <c>", "</c> and <c>": "</c> separators, non-ASCII characters unescaped.
/// </summary>
public static class PythonJson
{
    /// <summary>An object of string members, in the given order: <c>{"a": "b", "c": "d"}</c>.</summary>
    /// <param name="members">The members.</param>
    /// <returns>The JSON text.</returns>
    public static string Object(params (string Name, string Value)[] members)
    {
        var json = new StringBuilder("{");
        for (int i = 0; i < members.Length; i++)
        {
            json.Append(i == 0 ? "" : ", ");
            AppendString(json, members[i].Name);
            json.Append(": ");
            AppendString(json, members[i].Value);
        }

        return json.Append('}').ToString();
    }

    private static void AppendString(StringBuilder json, string text)
    {
        json.Append('"');
        foreach (char c in text)
        {
            json.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        json.Append('"');
    }
}
