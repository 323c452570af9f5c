using System;
using System.IO;
using Microsoft.Extensions.Logging;

namespace DreamTrainer;

/// <summary>
/// The console logger LoggerCallback uses when none is given: one line per message,
/// <c>[HH:mm:ss] message</c>. A small stand-in so the runtime needs only
/// Microsoft.Extensions.Logging.Abstractions; pass your own ILogger for anything more.
/// </summary>
internal sealed class ConsoleTrainingLogger : ILogger
{
    private readonly TextWriter _output;

    public ConsoleTrainingLogger(TextWriter output) => _output = output;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        string level = logLevel >= LogLevel.Warning ? logLevel.ToString().ToLowerInvariant() + ": " : string.Empty;
        _output.WriteLine($"[{DateTime.Now:HH:mm:ss}] {level}{formatter(state, exception)}");
        if (exception is not null)
        {
            _output.WriteLine(exception.ToString());
        }
    }
}
