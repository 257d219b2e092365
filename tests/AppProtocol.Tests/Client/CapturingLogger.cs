using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AppProtocol.Tests.Client;

/// <summary>Records the names of logged events, for asserting that something was logged.</summary>
internal sealed class CapturingLogger : ILogger
{
    public ConcurrentQueue<string> Events { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Events.Enqueue(eventId.Name ?? formatter(state, exception));
}
