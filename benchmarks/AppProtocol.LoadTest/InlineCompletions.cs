namespace AppProtocol.LoadTest;

/// <summary>Makes the runtime run socket continuations on its socket engine threads instead of handing them to the thread pool.</summary>
/// <remarks>
/// The load tool is cheaper that way: a completion no longer wakes a pool thread, and with 2 engine threads (one per
/// core, the runtime's default when inlining) there are no other busy threads. The runtime reads
/// <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c> once, when the first socket operation creates its engines, and
/// has no runtimeconfig knob for it; on Unix <see cref="Environment.SetEnvironmentVariable(string, string)"/> changes the
/// copy it reads, so setting it first thing in Main is enough. An explicit value in the environment (0) wins.
/// </remarks>
internal static class InlineCompletions
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Sets the switch unless the environment already has a value; call before any socket is used.</summary>
    /// <returns>Whether continuations run inline.</returns>
    public static bool EnableUnlessSet()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }

        return Environment.GetEnvironmentVariable(Variable) == "1";
    }
}
