using System;
using System.Collections.Generic;
using System.Reflection;

namespace DreamTrainer.Benchmarks;

// Ten callbacks for the dispatch benchmarks. Each counts what it sees so no call can be optimised away.
// "Active" ones implement OnTrainBatchEnd; "Idle" ones implement only an epoch hook.

/// <summary>Implements OnTrainBatchEnd (generated).</summary>
public sealed partial class Active
{
    /// <summary>Sum of the steps seen.</summary>
    public long Seen;

    [OnTrainBatchEnd]
    private void Step(long globalStep) => Seen += globalStep;

    /// <summary>The same work, as a plain method for the hand-written baseline.</summary>
    public void StepDirect(long globalStep) => Seen += globalStep;
}

/// <summary>Implements only OnTrainEpochEnd (generated).</summary>
public sealed partial class Idle
{
    /// <summary>Epochs seen.</summary>
    public long Epochs;

    [OnTrainEpochEnd]
    private void Epoch() => Epochs++;
}

/// <summary>Sparse: 2 of 10 callbacks implement OnTrainBatchEnd.</summary>
[CallbackPipeline]
public sealed partial class SparsePipeline
{
    public Active A0 { get; } = new();
    public Idle I1 { get; } = new();
    public Idle I2 { get; } = new();
    public Idle I3 { get; } = new();
    public Idle I4 { get; } = new();
    public Active A5 { get; } = new();
    public Idle I6 { get; } = new();
    public Idle I7 { get; } = new();
    public Idle I8 { get; } = new();
    public Idle I9 { get; } = new();
}

/// <summary>Dense: all 10 callbacks implement OnTrainBatchEnd.</summary>
[CallbackPipeline]
public sealed partial class DensePipeline
{
    public Active A0 { get; } = new();
    public Active A1 { get; } = new();
    public Active A2 { get; } = new();
    public Active A3 { get; } = new();
    public Active A4 { get; } = new();
    public Active A5 { get; } = new();
    public Active A6 { get; } = new();
    public Active A7 { get; } = new();
    public Active A8 { get; } = new();
    public Active A9 { get; } = new();
}

/// <summary>The batch of the batch-binding rows: a class, as most data loaders yield.</summary>
public sealed class BenchBatch
{
    /// <summary>What the callbacks read.</summary>
    public long Value = 1;
}

/// <summary>Implements OnTrainBatchEnd binding the batch by its type (generated: one cast to the run's batch slot).</summary>
public sealed partial class BatchActive
{
    /// <summary>Sum of what it saw.</summary>
    public long Seen;

    [OnTrainBatchEnd]
    private void Step(BenchBatch batch, long globalStep) => Seen += globalStep + batch.Value;

    /// <summary>The same work, as a plain method for the hand-written baseline.</summary>
    public void StepDirect(BenchBatch batch, long globalStep) => Seen += globalStep + batch.Value;
}

/// <summary>Sparse, binding the batch: 2 of 10 callbacks implement OnTrainBatchEnd.</summary>
[CallbackPipeline]
public sealed partial class SparseBatchPipeline
{
    public BatchActive A0 { get; } = new();
    public Idle I1 { get; } = new();
    public Idle I2 { get; } = new();
    public Idle I3 { get; } = new();
    public Idle I4 { get; } = new();
    public BatchActive A5 { get; } = new();
    public Idle I6 { get; } = new();
    public Idle I7 { get; } = new();
    public Idle I8 { get; } = new();
    public Idle I9 { get; } = new();
}

/// <summary>Dense, binding the batch: all 10 callbacks implement OnTrainBatchEnd.</summary>
[CallbackPipeline]
public sealed partial class DenseBatchPipeline
{
    public BatchActive A0 { get; } = new();
    public BatchActive A1 { get; } = new();
    public BatchActive A2 { get; } = new();
    public BatchActive A3 { get; } = new();
    public BatchActive A4 { get; } = new();
    public BatchActive A5 { get; } = new();
    public BatchActive A6 { get; } = new();
    public BatchActive A7 { get; } = new();
    public BatchActive A8 { get; } = new();
    public BatchActive A9 { get; } = new();
}

/// <summary>The Lightning / Keras 3 design: a base class with a virtual method per hook, called on every callback.</summary>
public abstract class VirtualCallback
{
    public virtual void OnTrainBatchStart(TrainerContext context, int batchIndex, long globalStep) { }

    public virtual void OnTrainBatchEnd(TrainerContext context, in StepOutput output, int batchIndex, long globalStep) { }

    public virtual void OnTrainEpochEnd(TrainerContext context, int epoch) { }
}

public sealed class VirtualActive : VirtualCallback
{
    public long Seen;

    public override void OnTrainBatchEnd(TrainerContext context, in StepOutput output, int batchIndex, long globalStep) => Seen += globalStep;
}

public sealed class VirtualIdle : VirtualCallback
{
    public long Epochs;

    public override void OnTrainEpochEnd(TrainerContext context, int epoch) => Epochs++;
}

/// <summary>What a design without a generator does: find [OnTrainBatchEnd] methods by reflection at startup.</summary>
public sealed class ReflectionCallback
{
    public long Seen;

    [OnTrainBatchEnd]
    public void Step(long globalStep) => Seen += globalStep;

    public static IEnumerable<MethodInfo> HookMethods(Type type)
    {
        foreach (MethodInfo method in type.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (method.GetCustomAttribute<OnTrainBatchEndAttribute>() is not null)
            {
                yield return method;
            }
        }
    }
}
