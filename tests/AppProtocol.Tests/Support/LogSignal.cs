using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AppProtocol.Tests.Support;

/// <summary>
/// A logger factory that lets a test await a log event by name (for example the server's trace event that a
/// connection waits for its next frame), as the proof that the server reached that point: no sleep, no race.
/// </summary>
public sealed class LogSignal : ILoggerFactory, ILoggerProvider
{
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly Lock _gate = new();
    private readonly List<(string Name, int Count, TaskCompletionSource Done)> _waiters = [];
    private readonly AsyncLocal<string?> _scope = new();

    /// <summary>Every event, with the logging scope it was logged in (the innermost), if any.</summary>
    public ConcurrentQueue<(LogLevel Level, string Name, string Message, Exception? Exception, string? Scope)> Events { get; } = new();

    /// <summary>Waits until <paramref name="name"/> was logged at least <paramref name="count"/> times in all.</summary>
    public Task WaitAsync(string name, int count = 1)
    {
        lock (_gate)
        {
            if (_counts.GetValueOrDefault(name) >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((name, count, done));
            return done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    public int Count(string name) => _counts.GetValueOrDefault(name);

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private void Record(LogLevel level, string name, string message, Exception? exception)
    {
        Events.Enqueue((level, name, message, exception, _scope.Value));
        lock (_gate)
        {
            int now = _counts.AddOrUpdate(name, 1, (_, c) => c + 1);
            foreach (var waiter in _waiters.Where(w => w.Name == name && w.Count <= now).ToArray())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }
    }

    private sealed class Logger(LogSignal owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            string? outer = owner._scope.Value;
            owner._scope.Value = state.ToString();
            return new Scope(() => owner._scope.Value = outer);
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Record(logLevel, eventId.Name ?? "", formatter(state, exception), exception);
    }

    private sealed class Scope(Action end) : IDisposable
    {
        public void Dispose() => end();
    }
}
