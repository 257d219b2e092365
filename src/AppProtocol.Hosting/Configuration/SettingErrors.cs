using System.Globalization;

namespace AppProtocol.Hosting.Configuration;

/// <summary>Applies configured values through validating setters, collecting each refusal under its configuration key.</summary>
internal sealed class SettingErrors(string prefix)
{
    public List<string> Messages { get; } = [];

    /// <summary>Sets a value that configuration gave; nothing when it gave none.</summary>
    public void Set<T>(string key, T? value, Action<T> set)
        where T : struct, IFormattable
    {
        if (value is { } given)
        {
            Try(key, () => set(given), given.ToString(null, CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Runs a setter, recording its refusal under <paramref name="key"/>.</summary>
    public void Try(string key, Action set, string? shown = null)
    {
        try
        {
            set();
        }
        catch (ArgumentException ex)
        {
            string value = shown is null ? "" : $"'{shown}' ";
            Add(key, $"{value}is not valid: {ex.Message.ReplaceLineEndings(" ")}");
        }
    }

    public void Add(string key, string problem) => Messages.Add($"{prefix}{key} {problem}");
}
