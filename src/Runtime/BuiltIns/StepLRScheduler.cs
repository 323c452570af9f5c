using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace DreamTrainer;

/// <summary>
/// The Keras exercise's step schedule: every <c>stepEpochs</c> epochs the learning rate is
/// multiplied by <c>factor</c>, printing <c>Epoch 5: Reducing LR from 0.100000 to 0.050000</c>.
/// It keeps the learning rate of every epoch in <see cref="History"/>.
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

    /// <summary>The learning rate used in each epoch, in order.</summary>
    public IReadOnlyList<double> History => _history;

    [OnTrainStart]
    private void Start(TrainerContext context)
    {
        if (!context.IsResumed)
        {
            _history.Clear();
        }
    }

    [OnTrainEpochStart]
    private void Step(TrainerContext context, int epoch)
    {
        double current = context.LearningRate;
        if (epoch > 0 && epoch % StepEpochs == 0)
        {
            double reduced = current * Factor;
            context.SetLearningRate(reduced);
            _output?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Epoch {epoch}: Reducing LR from {current:F6} to {reduced:F6}"));
            current = reduced;
        }

        _history.Add(current);
    }
}
