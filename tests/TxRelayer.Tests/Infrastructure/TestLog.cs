using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TxRelayer.Tests.Infrastructure;

/// <summary>Keeps the hosts' warnings and errors in memory (nothing on the console), for a failing test to print.</summary>
internal static class TestLog
{
    public static ConcurrentQueue<string> Entries { get; } = new();

    public static ILoggerProvider Provider { get; } = new MemoryProvider();

    public static string Dump() => string.Join(Environment.NewLine, Entries.TakeLast(200));

    private sealed class MemoryProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new MemoryLogger(categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class MemoryLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel) || !category.StartsWith("TxRelayer", StringComparison.Ordinal) && logLevel < LogLevel.Warning)
            {
                return;
            }
            Entries.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message)}");
            while (Entries.Count > 5000)
            {
                Entries.TryDequeue(out _);
            }
        }
    }
}
