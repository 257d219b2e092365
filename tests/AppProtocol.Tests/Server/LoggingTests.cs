using System.Threading.Channels;
using AppProtocol.Framing;
using AppProtocol.Server;
using AppProtocol.Transport;
using Microsoft.Extensions.Logging;

namespace AppProtocol.Tests.Server;

public class LoggingTests
{
    [Fact]
    public async Task Bad_frame_and_handler_failure_are_logged_with_their_cause()
    {
        var logs = new RecordingLoggerFactory();
        var options = new FrameServerOptions();
        options.Listen.Add(ListenAddress.Tcp("127.0.0.1", 0));
        await using var server = new FrameServer(options, (_, _) => throw new InvalidOperationException("handler broke"), logs);
        await server.StartAsync();

        await using (RawClient bad = await RawClient.ConnectAsync(server.EndPoints[0]))
        {
            await bad.SendAsync(Requests.BadHeader());
            LogEntry entry = await logs.NextAsync(e => e.Level == LogLevel.Warning);
            Assert.Equal(ProtocolError.InvalidHeaderJson, Assert.IsType<ProtocolException>(entry.Exception).Error);
            Assert.Contains("InvalidHeaderJson", entry.Message, StringComparison.Ordinal);
        }

        await using (RawClient failing = await RawClient.ConnectAsync(server.EndPoints[0]))
        {
            await failing.SendAsync(Requests.Binary("x"));
            LogEntry entry = await logs.NextAsync(e => e.Level == LogLevel.Error);
            Assert.Equal("handler broke", Assert.IsType<InvalidOperationException>(entry.Exception).Message);
        }
    }

    private sealed record LogEntry(LogLevel Level, string Message, Exception? Exception);

    private sealed class RecordingLoggerFactory : ILoggerFactory, ILogger
    {
        private readonly Channel<LogEntry> _entries = Channel.CreateUnbounded<LogEntry>();

        public async Task<LogEntry> NextAsync(Func<LogEntry, bool> match)
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (true)
            {
                LogEntry entry = await _entries.Reader.ReadAsync(patience.Token);
                if (match(entry))
                {
                    return entry;
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _entries.Writer.TryWrite(new LogEntry(logLevel, formatter(state, exception), exception));

        public void Dispose()
        {
        }
    }
}
