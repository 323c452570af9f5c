using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace DreamTrainer.Samples.KerasCallbacks;

/// <summary>
/// The exercise's own StepLR callback, written as the exercise asks: halve the learning rate every
/// <c>stepEpochs</c> epochs and print <c>Epoch 5: Reducing LR from 0.100000 to 0.050000</c>, where
/// the number is Keras' 0-based epoch index (the exercise's expected output). The package's
/// <see cref="StepLRScheduler"/> does the same but counts epochs from 1 in what it prints.
/// </summary>
public sealed partial class ExerciseStepLR
{
    private readonly double _factor;
    private readonly int _stepEpochs;
    private readonly TextWriter _output;

    [CallbackState]
    private List<double> _history = new();

    /// <summary>Creates the schedule.</summary>
    /// <param name="factor">The multiplier.</param>
    /// <param name="stepEpochs">Reduce every this many epochs.</param>
    /// <param name="output">Where the reductions are printed.</param>
    public ExerciseStepLR(double factor, int stepEpochs, TextWriter output)
    {
        _factor = factor;
        _stepEpochs = stepEpochs;
        _output = output;
    }

    /// <summary>The learning rate of each epoch, in order.</summary>
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
        if (epoch > 0 && epoch % _stepEpochs == 0)
        {
            double reduced = current * _factor;
            context.SetLearningRate(reduced);
            _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Epoch {epoch}: Reducing LR from {current:F6} to {reduced:F6}"));
            current = reduced;
        }

        _history.Add(current);
    }
}
