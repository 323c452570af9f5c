using System;

namespace DreamTrainer;

/// <summary>When <see cref="LearningRateMonitor"/> records.</summary>
public enum LoggingInterval
{
    /// <summary>Before every training step.</summary>
    Step,

    /// <summary>At the start of every epoch.</summary>
    Epoch,
}

/// <summary>
/// Logs the learning rate of every parameter group and, with <c>logMomentum</c>, the momentum or
/// beta1, each step or each epoch (Lightning's LearningRateMonitor), under the names the trainer
/// uses for its epoch <c>lr</c>: <c>lr</c> and <c>momentum</c> with one group, <c>lr-pg1</c>,
/// <c>momentum-pg1</c>, … (numbered from 1) with several. It runs after the default-priority
/// callbacks (priority -20), so it logs the rate a scheduler set for the same epoch or step.
/// Parameter groups added during training are logged from then on. Logging allocates nothing.
/// </summary>
[Callback(Priority = -20)]
public sealed partial class LearningRateMonitor
{
    private bool _warnedNoMomentum;

    /// <summary>Creates the monitor; every argument is checked now.</summary>
    /// <param name="interval">Log every step or every epoch.</param>
    /// <param name="logMomentum">Also log momentum where the optimizer has it (a warning, once, where it has none).</param>
    public LearningRateMonitor(LoggingInterval interval = LoggingInterval.Epoch, bool logMomentum = false)
    {
        if (!Enum.IsDefined(interval))
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, $"interval must be Step or Epoch; it was {(int)interval}.");
        }

        Interval = interval;
        LogMomentum = logMomentum;
    }

    /// <summary>When it logs.</summary>
    public LoggingInterval Interval { get; }

    /// <summary>Whether momentum is logged.</summary>
    public bool LogMomentum { get; }

    [OnTrainStart]
    private void Start(TrainerContext context)
    {
        if (!context.HasLearningRate)
        {
            throw new InvalidOperationException("LearningRateMonitor needs learning rates, but the module exposes no ILearningRateControl.");
        }

        _warnedNoMomentum = false;
    }

    [OnTrainEpochStart]
    private void EachEpoch(TrainerContext context)
    {
        if (Interval == LoggingInterval.Epoch)
        {
            Record(context);
        }
    }

    [OnTrainBatchStart]
    private void EachStep(TrainerContext context)
    {
        if (Interval == LoggingInterval.Step)
        {
            Record(context);
        }
    }

    private void Record(TrainerContext context)
    {
        int groups = context.ParameterGroupCount;
        for (int group = 0; group < groups; group++)
        {
            context.Log(context.LearningRateName(group), context.GetLearningRate(group));
            if (!LogMomentum)
            {
                continue;
            }

            if (context.TryGetMomentum(group, out double momentum))
            {
                context.Log(context.MomentumName(group), momentum);
            }
            else if (!_warnedNoMomentum)
            {
                _warnedNoMomentum = true;
#pragma warning disable DT0401 // Once per run, on the first step that finds no momentum.
                context.Warn($"LearningRateMonitor: logMomentum is true, but parameter group {group + 1} has no momentum (or beta1); none is logged for it.");
#pragma warning restore DT0401
            }
        }
    }
}
