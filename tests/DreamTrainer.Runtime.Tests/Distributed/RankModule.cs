using System;
using System.Collections.Generic;
using System.IO;

namespace DreamTrainer.Tests.Distributed;

/// <summary>
/// A module whose "weight" moves by the mean sample value of each global batch (all-reduced sums
/// and counts, as a data-parallel engine does with gradients); its loss is the mean value of the
/// rank's shard, and it logs metrics of every reduction.
/// </summary>
internal sealed class RankModule : ITrainingModule<int[]>, IModelStateControl
{
    private readonly IProcessGroup _group;
    private readonly double[] _sumAndCount = new double[2];

    public RankModule(IProcessGroup group, double weight = 0)
    {
        _group = group;
        Weight = weight;
    }

    public double Weight { get; private set; }

    /// <summary>Throws in the training step at this global step on this rank (-1: never).</summary>
    public long FailAtStep { get; init; } = -1;

    /// <summary>Also logs <c>val_batches</c> (a sum of 1 per validation batch) in the validation step.</summary>
    public bool CountValidationBatches { get; init; }

    public IProcessGroup? ProcessGroup => _group;

    IProcessGroup? ITrainingModule<int[]>.ProcessGroup => _group;

    public StepResult TrainingStep(int[] batch, TrainerContext context)
    {
        if (context.GlobalStep == FailAtStep)
        {
            throw new InvalidOperationException($"injected failure on rank {_group.Rank} at step {context.GlobalStep}");
        }

        double sum = 0;
        foreach (int value in batch)
        {
            sum += value;
        }

        _sumAndCount[0] = sum;
        _sumAndCount[1] = batch.Length;
        _group.AllReduce(_sumAndCount, ReduceOperation.Sum);
        Weight += _sumAndCount[0] / _sumAndCount[1];
        context.Log("acc", batch.Length == 0 ? 0 : sum / batch.Length / 10, MetricReduction.Mean);
        context.Log("steps", 1, MetricReduction.Sum);
        context.Log("lowest_rank", _group.Rank, MetricReduction.Min);
        context.Log("highest_rank", _group.Rank, MetricReduction.Max);
        context.Log("rank", _group.Rank);
        context.Log("constant", 0.1 * 7);
        return new StepResult(sum / batch.Length, batch.Length);
    }

    public StepResult ValidationStep(int[] batch, TrainerContext context)
    {
        double sum = 0;
        foreach (int value in batch)
        {
            sum += value;
        }

        if (CountValidationBatches)
        {
            context.Log("val_batches", 1, MetricReduction.Sum);
        }

        return new StepResult(sum / batch.Length, batch.Length);
    }

    public void Save(Stream destination) => new BinaryWriter(destination).Write(Weight);

    public void Load(Stream source) => Weight = new BinaryReader(source).ReadDouble();

    public object CreateSnapshot() => Weight;

    public void Restore(object snapshot) => Weight = (double)snapshot;

    /// <summary>The shards of samples 0..count-1 (value = index) this rank trains on, per global batch.</summary>
    public static List<int[]> Shards(int count, int globalBatchSize, IProcessGroup group)
    {
        var batches = new List<int[]>();
        foreach (ArraySegment<int> shard in new DistributedSampler(count, globalBatchSize, group))
        {
            batches.Add(shard.ToArray());
        }

        return batches;
    }
}
