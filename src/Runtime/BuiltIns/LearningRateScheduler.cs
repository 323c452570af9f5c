using System;
using System.Globalization;
using System.IO;

namespace DreamTrainer;

/// <summary>
/// Keras' LearningRateScheduler: when each epoch starts, every parameter group's learning rate
/// becomes <c>schedule(epochIndex, currentRate)</c>, where the epoch index counts from 0 and the
/// current rate is that group's own. With <c>output</c> it prints
/// <c>Epoch 1: LearningRateScheduler setting learning rate to 0.5.</c>
/// </summary>
/// <example>
/// <code>new LearningRateScheduler((epoch, lr) =&gt; epoch &lt; 10 ? lr : lr * Math.Exp(-0.1))</code>
/// </example>
public sealed partial class LearningRateScheduler
{
    private readonly Func<int, double, double> _schedule;
    private readonly TextWriter? _output;

    /// <summary>Creates the scheduler.</summary>
    /// <param name="schedule">The new rate from the epoch index (from 0) and the group's current rate; it must return a finite, non-negative number.</param>
    /// <param name="output">Where to print each change (Keras' verbose); null: silent.</param>
    /// <exception cref="ArgumentNullException"><paramref name="schedule"/> is null.</exception>
    public LearningRateScheduler(Func<int, double, double> schedule, TextWriter? output = null)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        _schedule = schedule;
        _output = output;
    }

    [OnTrainStart]
    private void Start(TrainerContext context)
    {
        if (!context.HasLearningRate)
        {
            throw new InvalidOperationException("LearningRateScheduler needs learning rates, but the module exposes no ILearningRateControl.");
        }
    }

    [OnTrainEpochStart]
    private void Apply(TrainerContext context, int epoch)
    {
        int groups = context.ParameterGroupCount;
        for (int group = 0; group < groups; group++)
        {
            double rate = _schedule(epoch, context.GetLearningRate(group));
            if (!double.IsFinite(rate) || rate < 0)
            {
                throw new InvalidOperationException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"The LearningRateScheduler schedule returned {rate} for epoch {epoch + 1} (index {epoch}); a learning rate must be finite and non-negative."));
            }

            context.SetLearningRate(group, rate);
            string which = groups == 1 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" of parameter group {group + 1}");
            if (context.IsGlobalZero)
            {
                _output?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Epoch {epoch + 1}: LearningRateScheduler setting learning rate{which} to {Monitoring.FormatRate(rate)}."));
            }
        }
    }
}
