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
/// Logs the learning rate of every parameter group (<c>lr-pg0</c>, <c>lr-pg1</c>, …) and, with
/// <c>logMomentum</c>, the momentum or beta1 (<c>momentum-pg0</c>, …), each step or each epoch
/// (Lightning's LearningRateMonitor). Logging per step allocates nothing.
/// </summary>
public sealed partial class LearningRateMonitor
{
    private string[] _rateNames = Array.Empty<string>();
    private string[] _momentumNames = Array.Empty<string>();

    /// <summary>Creates the monitor.</summary>
    /// <param name="interval">Log every step or every epoch.</param>
    /// <param name="logMomentum">Also log momentum where the optimizer has it.</param>
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

        // Metric names are built once, so logging allocates nothing afterwards.
        int groups = context.ParameterGroupCount;
        _rateNames = new string[groups];
        _momentumNames = new string[groups];
        for (int group = 0; group < groups; group++)
        {
            _rateNames[group] = "lr-pg" + group.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _momentumNames[group] = "momentum-pg" + group.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
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
        for (int group = 0; group < _rateNames.Length; group++)
        {
            context.Log(_rateNames[group], context.GetLearningRate(group));
            if (LogMomentum && context.TryGetMomentum(group, out double momentum))
            {
                context.Log(_momentumNames[group], momentum);
            }
        }
    }
}
