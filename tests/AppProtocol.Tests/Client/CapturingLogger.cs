using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AppProtocol.Tests.Client;

/// <summary>Records the names of logged events, for asserting that something was logged.</summary>
/// <param name="logged">Called with each event's name as it is logged, on the logging thread: a test's hook into that moment.</param>
internal sealed class CapturingLogger(Action<string>? logged = null) : ILogger
{
    public ConcurrentQueue<string> Events { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        string name = eventId.Name ?? formatter(state, exception);
        Events.Enqueue(name);
        logged?.Invoke(name);
    }
}
