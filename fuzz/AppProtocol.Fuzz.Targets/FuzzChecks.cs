namespace AppProtocol.Fuzz;

/// <summary>Checks of <see cref="FrameFuzzTarget"/> that can be left out, so that a known, reported library bug does not hide new ones.</summary>
[Flags]
public enum FuzzChecks
{
    /// <summary>Only the checks that cannot be left out.</summary>
    None = 0,

    /// <summary>Text/json content read from a segmented frame must read as it does from one buffer.</summary>
    SegmentedJsonContent = 1,

    /// <summary>Every check.</summary>
    All = SegmentedJsonContent,
}
