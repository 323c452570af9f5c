using System;
using System.Collections.Generic;

namespace DreamTrainer.Tests;

/// <summary>A hand-written callback that records every hook it receives as a line of text.</summary>
internal sealed class ProbeCallback : ICallback
{
    private readonly List<string> _log;

    public ProbeCallback(List<string> log, string name = "probe", HookMask hooks = (HookMask)0x7FFF, int priority = 0)
    {
        _log = log;
        Name = name;
        Hooks = hooks;
        Priority = priority;
        StateKey = name;
    }

    public string Name { get; }

    public int Priority { get; set; }

    public HookMask Hooks { get; set; }

    public string StateKey { get; set; }

    public CallbackErrorPolicy ErrorPolicy { get; set; }

    /// <summary>Throws from this hook when set.</summary>
    public Hook? ThrowIn { get; set; }

    /// <summary>What the last OnException received.</summary>
    public Exception? LastException { get; private set; }

    /// <summary>Called at each hook after recording (to stop, remove, …).</summary>
    public Action<Hook, TrainerContext>? OnHook { get; set; }

    public int GetPriority(Hook hook) => Priority;

    public void OnTrainStart(TrainerContext context) => Record(Hook.TrainStart, context, "TrainStart");

    public void OnTrainEpochStart(TrainerContext context, int epoch) => Record(Hook.TrainEpochStart, context, $"TrainEpochStart({epoch})");

    public void OnTrainBatchStart(TrainerContext context, int batchIndex, long globalStep) => Record(Hook.TrainBatchStart, context, $"TrainBatchStart({batchIndex},{globalStep})");

    public void OnTrainBatchEnd(TrainerContext context, in StepOutput output, int batchIndex, long globalStep) => Record(Hook.TrainBatchEnd, context, $"TrainBatchEnd({batchIndex},{globalStep})");

    public void OnTrainEpochEnd(TrainerContext context, int epoch, MetricsView metrics) => Record(Hook.TrainEpochEnd, context, $"TrainEpochEnd({epoch}:{string.Join(",", metrics.ToDictionary().Keys)})");

    public void OnTrainEnd(TrainerContext context, TrainEndReason reason) => Record(Hook.TrainEnd, context, $"TrainEnd({reason})");

    public void OnValidationStart(TrainerContext context) => Record(Hook.ValidationStart, context, "ValidationStart");

    public void OnValidationEpochStart(TrainerContext context, int epoch) => Record(Hook.ValidationEpochStart, context, $"ValidationEpochStart({epoch})");

    public void OnValidationBatchStart(TrainerContext context, int batchIndex, long globalStep) => Record(Hook.ValidationBatchStart, context, $"ValidationBatchStart({batchIndex})");

    public void OnValidationBatchEnd(TrainerContext context, in StepOutput output, int batchIndex, long globalStep) => Record(Hook.ValidationBatchEnd, context, $"ValidationBatchEnd({batchIndex})");

    public void OnValidationEpochEnd(TrainerContext context, int epoch, MetricsView metrics) => Record(Hook.ValidationEpochEnd, context, $"ValidationEpochEnd({epoch})");

    public void OnValidationEnd(TrainerContext context) => Record(Hook.ValidationEnd, context, "ValidationEnd");

    public void OnException(TrainerContext context, Exception exception)
    {
        LastException = exception;
        Record(Hook.Exception, context, $"Exception({exception.GetType().Name})");
    }

    public void OnSaveState(TrainerContext context, CallbackStateWriter writer) => Record(Hook.SaveState, context, "SaveState");

    public void OnLoadState(TrainerContext context, CallbackStateReader reader) => Record(Hook.LoadState, context, "LoadState");

    public void OnBeforeZeroGrad(TrainerContext context, GradientView gradients, int batchIndex, long globalStep) => Record(Hook.BeforeZeroGrad, context, $"BeforeZeroGrad({batchIndex})");

    public void OnAfterBackward(TrainerContext context, GradientView gradients, int batchIndex, long globalStep) => Record(Hook.AfterBackward, context, $"AfterBackward({batchIndex})");

    public void OnBeforeOptimizerStep(TrainerContext context, GradientView gradients, int batchIndex, long globalStep) => Record(Hook.BeforeOptimizerStep, context, $"BeforeOptimizerStep({batchIndex})");

    private void Record(Hook hook, TrainerContext context, string line)
    {
        _log.Add(Name == "probe" ? line : $"{Name}.{line}");
        OnHook?.Invoke(hook, context);
        if (ThrowIn == hook)
        {
            throw new InvalidOperationException($"{Name} fails in {hook}");
        }
    }
}

/// <summary>A callback that counts OnTrainBatchEnd calls and allocates nothing.</summary>
internal sealed class CountingCallback : ICallback
{
    private readonly string _key;

    public CountingCallback(string key, bool implementsBatchEnd)
    {
        _key = key;
        Hooks = implementsBatchEnd ? HookMask.TrainBatchEnd | HookMask.TrainEpochEnd : HookMask.TrainEpochEnd;
    }

    public long Calls { get; private set; }

    public double LossSum { get; private set; }

    public HookMask Hooks { get; }

    public string StateKey => _key;

    public CallbackErrorPolicy ErrorPolicy => CallbackErrorPolicy.Propagate;

    public int GetPriority(Hook hook) => 0;

    public void OnTrainBatchEnd(TrainerContext context, in StepOutput output, int batchIndex, long globalStep) => Calls++;
}

/// <summary>A module whose steps do no work: the loop's own cost is all that remains.</summary>
internal sealed class NoOpModule : ITrainingModule<int>, ILearningRateControl
{
    public double Rate { get; set; } = 0.1;

    public Func<int, TrainerContext, double>? Train { get; set; }

    public int GroupCount => 1;

    public StepResult TrainingStep(int batch, TrainerContext context) => Train is null ? new StepResult(0.5) : new StepResult(Train(batch, context));

    public StepResult ValidationStep(int batch, TrainerContext context) => new(0.25);

    public double GetLearningRate(int group) => Rate;

    public void SetLearningRate(int group, double learningRate) => Rate = learningRate;

    public bool TryGetMomentum(int group, out double momentum)
    {
        momentum = 0.9;
        return true;
    }
}

internal static class Data
{
    public static int[] Batches(int count)
    {
        var batches = new int[count];
        for (int i = 0; i < count; i++)
        {
            batches[i] = i;
        }

        return batches;
    }
}
