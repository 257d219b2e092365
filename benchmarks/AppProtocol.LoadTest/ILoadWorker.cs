namespace AppProtocol.LoadTest;

/// <summary>One simulated client of a run: a raw connection of the tool's own, or a caller of the library's <c>FrameClient</c>.</summary>
internal interface ILoadWorker
{
    /// <summary>What it counted; read once it has finished.</summary>
    ConnectionStats Stats { get; }

    /// <summary>Sends requests until the run stops (or its quota is reached), then finishes what is in flight.</summary>
    Task RunAsync();

    /// <summary>Closes its connection so that a worker stuck on a silent server ends.</summary>
    void Abort();
}
