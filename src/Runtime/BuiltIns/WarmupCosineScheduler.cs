using System;
using System.Collections.Generic;

namespace DreamTrainer;

/// <summary>
/// Linear warm-up, then cosine decay (the Keras exercise's bonus). In epoch <c>e</c> (from 0):
/// during warm-up <c>lr = baseLr * (e + 1) / warmupEpochs</c>; after it
/// <c>lr = baseLr * 0.5 * (1 + cos(pi * progress))</c> with
/// <c>progress = (e - warmupEpochs) / (totalEpochs - warmupEpochs)</c>, held at 1 past the end.
/// Every parameter group gets that rate (for per-group rates, use <see cref="LearningRateScheduler"/>,
/// which scales each group's own rate).
/// </summary>
public sealed partial class WarmupCosineScheduler
{
    [CallbackState]
    private List<double> _history = new();

    /// <summary>Creates the scheduler; every argument is checked now.</summary>
    /// <param name="baseLearningRate">The peak rate, positive and finite.</param>
    /// <param name="warmupEpochs">Epochs of linear warm-up (0 or more).</param>
    /// <param name="totalEpochs">Epochs of the whole schedule (more than <paramref name="warmupEpochs"/>).</param>
    public WarmupCosineScheduler(double baseLearningRate, int warmupEpochs, int totalEpochs)
    {
        if (!(baseLearningRate > 0) || !double.IsFinite(baseLearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(baseLearningRate), baseLearningRate, $"baseLearningRate must be positive and finite; it was {baseLearningRate}.");
        }

        Monitoring.RequireNonNegative(warmupEpochs, nameof(warmupEpochs));
        if (totalEpochs <= warmupEpochs)
        {
            throw new ArgumentOutOfRangeException(nameof(totalEpochs), totalEpochs, $"totalEpochs must be greater than warmupEpochs ({warmupEpochs}); it was {totalEpochs}.");
        }

        BaseLearningRate = baseLearningRate;
        WarmupEpochs = warmupEpochs;
        TotalEpochs = totalEpochs;
    }

    /// <summary>The peak rate.</summary>
    public double BaseLearningRate { get; }

    /// <summary>Epochs of warm-up.</summary>
    public int WarmupEpochs { get; }

    /// <summary>Epochs of the schedule.</summary>
    public int TotalEpochs { get; }

    /// <summary>The learning rate set in each epoch, in order.</summary>
    public IReadOnlyList<double> History => _history;

    /// <summary>The schedule's learning rate for <paramref name="epoch"/>.</summary>
    /// <param name="epoch">The epoch, from 0.</param>
    /// <returns>The learning rate.</returns>
    public double LearningRateAt(int epoch)
    {
        if (epoch < WarmupEpochs)
        {
            return BaseLearningRate * (epoch + 1) / WarmupEpochs;
        }

        double progress = Math.Min(1.0, (double)(epoch - WarmupEpochs) / (TotalEpochs - WarmupEpochs));
        return BaseLearningRate * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    [OnTrainStart]
    private void Start(TrainerContext context)
    {
        if (!context.IsResumed)
        {
            _history.Clear();
        }
    }

    [OnTrainEpochStart]
    private void Apply(TrainerContext context, int epoch)
    {
        double rate = LearningRateAt(epoch);
        context.SetLearningRate(rate);
        _history.Add(rate);
    }
}
