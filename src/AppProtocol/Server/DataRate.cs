namespace AppProtocol.Server;

/// <summary>A minimum data rate: at least <see cref="BytesPerSecond"/> once <see cref="GracePeriod"/> has passed.</summary>
public sealed record DataRate
{
    /// <summary>Creates a rate.</summary>
    /// <param name="bytesPerSecond">The rate, positive.</param>
    /// <param name="gracePeriod">The time allowed before the rate applies, positive.</param>
    public DataRate(double bytesPerSecond, TimeSpan gracePeriod)
    {
        BytesPerSecond = bytesPerSecond > 0 ? bytesPerSecond : throw new ArgumentOutOfRangeException(nameof(bytesPerSecond), bytesPerSecond, "The rate must be positive.");
        GracePeriod = gracePeriod > TimeSpan.Zero ? gracePeriod : throw new ArgumentOutOfRangeException(nameof(gracePeriod), gracePeriod, "The grace period must be positive.");
    }

    /// <summary>The rate, in bytes per second.</summary>
    public double BytesPerSecond { get; }

    /// <summary>The time allowed before the rate applies.</summary>
    public TimeSpan GracePeriod { get; }

    /// <summary>The most time that <paramref name="bytes"/> bytes may take at this rate, grace included.</summary>
    /// <param name="bytes">How many bytes.</param>
    /// <returns>The time allowed.</returns>
    public TimeSpan TimeAllowed(long bytes) => GracePeriod + TimeSpan.FromSeconds(bytes / BytesPerSecond);
}
