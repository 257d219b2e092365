namespace AppProtocol.Fuzz;

/// <summary>The library broke a property the fuzz target checks (parses disagree, allocation unbounded, reader stuck...).</summary>
/// <remarks>Not a <see cref="Framing.ProtocolException"/>, so that AFL++ counts it as a crash and the tests fail on it.</remarks>
public sealed class FuzzPropertyViolation : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which property broke, and how.</param>
    public FuzzPropertyViolation(string message)
        : base(message)
    {
    }
}
