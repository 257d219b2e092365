namespace AppProtocol.Client;

/// <summary>How a client with several servers (<see cref="FrameClientOptions.Servers"/>) picks one for a call.</summary>
public enum FrameLoadBalancing
{
    /// <summary>Each call to the next server in turn.</summary>
    RoundRobin,

    /// <summary>Each call to the server with the fewest calls in progress, in turn among equals.</summary>
    LeastOutstanding,
}
