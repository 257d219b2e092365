namespace FileServer;

/// <summary>The names a client may give: one plain file name in the served directory, nothing that leads out of it.</summary>
/// <remarks>
/// A name is a single path segment: no separator, so no traversal and no absolute path; not <c>.</c> or <c>..</c>;
/// no leading dot, which keeps hidden files and the server's own temporary files (<c>.upload-*</c>) out of reach;
/// no control characters; at most 255 UTF-8 bytes, as most file systems allow.
/// </remarks>
public static class FileNames
{
    /// <summary>Whether <paramref name="name"/> may be used; <paramref name="reason"/> says why not.</summary>
    public static bool IsAllowed(string? name, out string reason)
    {
        reason = name switch
        {
            null or "" => "The request has no 'name'.",
            _ when name.Contains('/') || name.Contains('\\') => $"The name '{name}' is a path: give a plain file name, without '/' or '\\'.",
            _ when name.StartsWith('.') => $"The name '{name}' starts with '.': hidden names, '.' and '..' are not served.",
            _ when name.Any(char.IsControl) => "The name contains a control character.",
            _ when System.Text.Encoding.UTF8.GetByteCount(name) > 255 => "The name is longer than 255 bytes.",
            _ when Path.IsPathRooted(name) => $"The name '{name}' is an absolute path.",
            _ => "",
        };
        return reason.Length == 0;
    }
}
