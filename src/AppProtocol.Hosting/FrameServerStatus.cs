namespace AppProtocol.Hosting;

/// <summary>Where a <see cref="FrameServerService"/> is in its life.</summary>
public enum FrameServerStatus
{
    /// <summary>The host has not started it yet.</summary>
    NotStarted,

    /// <summary>Binding its listen addresses.</summary>
    Starting,

    /// <summary>Bound and accepting connections.</summary>
    Listening,

    /// <summary>Stopping with the host: no longer accepting, finishing the exchanges in flight.</summary>
    Stopping,

    /// <summary>Stopped; every connection is closed.</summary>
    Stopped,

    /// <summary>It could not start (for example an address could not be bound): see <see cref="FrameServerService.Failure"/>.</summary>
    Failed,
}
