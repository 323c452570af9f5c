using System;
using Microsoft.Extensions.Logging;

namespace DreamTrainer;

/// <summary>
/// Logs training through <c>Microsoft.Extensions.Logging</c> (the .NET standard, where Dream
/// Trainer uses WandB): the loss every <c>logEveryNSteps</c> steps (with gradient and parameter
/// norms when the engine provides them, <see cref="ITrainingDiagnostics"/>), the metrics every
/// <c>logEveryNEpochs</c> epochs (<c>epoch 1: loss=…</c>, counted from 1), and the start and end of the run. Without a logger it writes
/// to the console.
/// </summary>
[Callback(Ranks = CallbackRanks.Zero)]
public sealed partial class LoggerCallback
{
    private static readonly Action<ILogger, int, Exception?> Started =
        LoggerMessage.Define<int>(LogLevel.Information, new EventId(1, "TrainStart"), "Training started: up to {MaxEpochs} epoch(s)");

    private static readonly Action<ILogger, long, double, Exception?> StepLoss =
        LoggerMessage.Define<long, double>(LogLevel.Information, new EventId(2, "Step"), "step {Step}: loss={Loss:G6}");

    private static readonly Action<ILogger, long, double, double, double, Exception?> StepLossNorms =
        LoggerMessage.Define<long, double, double, double>(LogLevel.Information, new EventId(2, "Step"), "step {Step}: loss={Loss:G6} grad_norm={GradientNorm:G6} param_norm={ParameterNorm:G6}");

    private static readonly Action<ILogger, int, string, Exception?> EpochMetrics =
        LoggerMessage.Define<int, string>(LogLevel.Information, new EventId(3, "Epoch"), "epoch {Epoch}: {Metrics}");

    private static readonly Action<ILogger, TrainEndReason, int, string, Exception?> Ended =
        LoggerMessage.Define<TrainEndReason, int, string>(LogLevel.Information, new EventId(4, "TrainEnd"), "Training {Reason} after {Epochs} epoch(s){StopReason}");

    private readonly ILogger _logger;

    /// <summary>Creates the callback; every argument is checked now.</summary>
    /// <param name="logger">Where to log; default: a console logger.</param>
    /// <param name="logEveryNSteps">Log the loss every this many steps (0: never).</param>
    /// <param name="logEveryNEpochs">Log metrics every this many epochs (at least 1).</param>
    /// <param name="logNorms">Add gradient/parameter norms to step lines when the engine has them.</param>
    public LoggerCallback(ILogger? logger = null, int logEveryNSteps = 50, int logEveryNEpochs = 1, bool logNorms = true)
    {
        Monitoring.RequireNonNegative(logEveryNSteps, nameof(logEveryNSteps));
        Monitoring.RequirePositive(logEveryNEpochs, nameof(logEveryNEpochs));
        _logger = logger ?? new ConsoleTrainingLogger(Console.Out);
        LogEveryNSteps = logEveryNSteps;
        LogEveryNEpochs = logEveryNEpochs;
        LogNorms = logNorms;
    }

    /// <summary>Steps between loss lines (0: none).</summary>
    public int LogEveryNSteps { get; }

    /// <summary>Epochs between metric lines.</summary>
    public int LogEveryNEpochs { get; }

    /// <summary>Whether norms are logged.</summary>
    public bool LogNorms { get; }

    [OnTrainStart]
    private void Start(TrainerContext context) => Started(_logger, context.MaxEpochs, null);

    [OnTrainBatchEnd]
    private void Step(TrainerContext context, in StepOutput output, long globalStep)
    {
        if (LogEveryNSteps == 0 || (globalStep + 1) % LogEveryNSteps != 0 || !_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        if (LogNorms && context.TryGetGradientNorm(out double gradient) && context.TryGetParameterNorm(out double parameters))
        {
            StepLossNorms(_logger, globalStep + 1, output.Loss, gradient, parameters, null);
        }
        else
        {
            StepLoss(_logger, globalStep + 1, output.Loss, null);
        }
    }

    [OnTrainEpochEnd]
    private void Epoch(int epoch, MetricsView metrics)
    {
        if ((epoch + 1) % LogEveryNEpochs == 0 && _logger.IsEnabled(LogLevel.Information))
        {
            EpochMetrics(_logger, epoch + 1, metrics.ToString(), null);
        }
    }

    [OnTrainEnd]
    private void End(TrainerContext context, TrainEndReason reason) =>
        Ended(_logger, reason, context.EpochsCompleted, context.StopReason is { } why ? ": " + why : string.Empty, null);
}
