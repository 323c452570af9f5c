using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace DreamTrainer;

/// <summary>
/// A step schedule (torch's StepLR): every <c>stepEpochs</c> epochs each parameter group's learning
/// rate is multiplied by <c>factor</c>, printing <c>Epoch 6: Reducing LR from 0.100000 to 0.050000</c>
/// when the 6th epoch starts with <c>stepEpochs</c> 5. It keeps the learning rate of group 0 in every
/// epoch in <see cref="History"/>.
/// </summary>
public sealed partial class StepLRScheduler
{
    private readonly TextWriter? _output;

    [CallbackState]
    private List<double> _history = new();

    /// <summary>Creates the scheduler; every argument is checked now.</summary>
    /// <param name="factor">The multiplier, between 0 and 1 (exclusive).</param>
    /// <param name="stepEpochs">Reduce every this many epochs (at least 1).</param>
    /// <param name="verbose">Print each reduction.</param>
    /// <param name="output">Where to print; default: the console.</param>
    public StepLRScheduler(double factor = 0.5, int stepEpochs = 5, bool verbose = true, TextWriter? output = null)
    {
        Monitoring.RequireFactor(factor, nameof(factor));
        Monitoring.RequirePositive(stepEpochs, nameof(stepEpochs));
        Factor = factor;
        StepEpochs = stepEpochs;
        _output = verbose ? output ?? System.Console.Out : null;
    }

    /// <summary>The multiplier.</summary>
    public double Factor { get; }

    /// <summary>Epochs between reductions.</summary>
    public int StepEpochs { get; }

    /// <summary>The learning rate of parameter group 0 used in each epoch, in order.</summary>
    public IReadOnlyList<double> History => _history;

    [OnTrainStart]
    private void Start(TrainerContext context)
    {
        if (!context.HasLearningRate)
        {
            throw new InvalidOperationException("StepLRScheduler needs learning rates, but the module exposes no ILearningRateControl.");
        }

        if (!context.IsResumed)
        {
            _history.Clear();
        }
    }

    [OnTrainEpochStart]
    private void Step(TrainerContext context, int epoch)
    {
        if (epoch > 0 && epoch % StepEpochs == 0)
        {
            int groups = context.ParameterGroupCount;
            for (int group = 0; group < groups; group++)
            {
                double current = context.GetLearningRate(group);
                double reduced = current * Factor;
                context.SetLearningRate(group, reduced);
                string which = groups == 1 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" of parameter group {group + 1}");
                if (context.IsGlobalZero)
                {
                    _output?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Epoch {epoch + 1}: Reducing LR{which} from {current:F6} to {reduced:F6}"));
                }
            }
        }

        _history.Add(context.LearningRate);
    }
}
