using System;

namespace DreamTrainer;

/// <summary>A batch-end hook as a delegate (the output is passed by reference).</summary>
/// <param name="context">The trainer context.</param>
/// <param name="output">The step's output.</param>
/// <param name="batchIndex">The batch index.</param>
/// <param name="globalStep">The step index.</param>
public delegate void BatchEndHook(TrainerContext context, in StepOutput output, int batchIndex, long globalStep);

/// <summary>
/// A callback made of delegates, for scripts and quick experiments (Keras' LambdaCallback):
/// <c>new LambdaCallback { OnTrainEpochEnd = (trainer, epoch, metrics) => … }</c>. Only the hooks
/// given a delegate are dispatched; there is a delegate for every hook.
/// </summary>
/// <remarks>
/// The one built-in written by hand instead of through the generator: which hooks it implements
/// is known only at run time, from the delegates set, while a generated callback fixes them at
/// compile time.
/// </remarks>
public sealed class LambdaCallback : ICallback
{
    /// <summary>Runs once before the first epoch.</summary>
    public Action<TrainerContext>? OnTrainStart { get; init; }

    /// <summary>Runs at each epoch start.</summary>
    public Action<TrainerContext, int>? OnTrainEpochStart { get; init; }

    /// <summary>Runs before each training step.</summary>
    public Action<TrainerContext, int, long>? OnTrainBatchStart { get; init; }

    /// <summary>Runs after each training step.</summary>
    public BatchEndHook? OnTrainBatchEnd { get; init; }

    /// <summary>Runs at each epoch end, after validation.</summary>
    public Action<TrainerContext, int, MetricsView>? OnTrainEpochEnd { get; init; }

    /// <summary>Runs when training ends.</summary>
    public Action<TrainerContext, TrainEndReason>? OnTrainEnd { get; init; }

    /// <summary>Runs before each validation pass.</summary>
    public Action<TrainerContext>? OnValidationStart { get; init; }

    /// <summary>Runs at the start of each validation pass, with the epoch index (from 0).</summary>
    public Action<TrainerContext, int>? OnValidationEpochStart { get; init; }

    /// <summary>Runs before each validation step.</summary>
    public Action<TrainerContext, int, long>? OnValidationBatchStart { get; init; }

    /// <summary>Runs after each validation step.</summary>
    public BatchEndHook? OnValidationBatchEnd { get; init; }

    /// <summary>Runs after the validation pass with <c>val_*</c> metrics.</summary>
    public Action<TrainerContext, int, MetricsView>? OnValidationEpochEnd { get; init; }

    /// <summary>Runs after each validation pass.</summary>
    public Action<TrainerContext>? OnValidationEnd { get; init; }

    /// <summary>Runs when a step or callback throws.</summary>
    public Action<TrainerContext, Exception>? OnException { get; init; }

    /// <summary>Runs when a checkpoint is written; write state under this callback's <see cref="StateKey"/>.</summary>
    public Action<TrainerContext, CallbackStateWriter>? OnSaveState { get; init; }

    private readonly CallbackErrorPolicy _errorPolicy;

    /// <summary>Runs when a run resumes; read what <see cref="OnSaveState"/> wrote.</summary>
    public Action<TrainerContext, CallbackStateReader>? OnLoadState { get; init; }

    /// <summary>Runs in a phased training step before the gradients are cleared.</summary>
    public Action<TrainerContext, GradientView, int, long>? OnBeforeZeroGrad { get; init; }

    /// <summary>Runs in a phased training step after backward.</summary>
    public Action<TrainerContext, GradientView, int, long>? OnAfterBackward { get; init; }

    /// <summary>Runs in a phased training step before the optimizer step (clip gradients here).</summary>
    public Action<TrainerContext, GradientView, int, long>? OnBeforeOptimizerStep { get; init; }

    /// <summary>The priority of every hook (default 0).</summary>
    public int Priority { get; init; }

    /// <summary>The error policy (default propagate).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined <see cref="CallbackErrorPolicy"/>.</exception>
    public CallbackErrorPolicy ErrorPolicy
    {
        get => _errorPolicy;
        init => _errorPolicy = Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ErrorPolicy), value, $"ErrorPolicy must be Propagate or Isolate; it was {(int)value}.");
    }

    /// <summary>The state key: unique among a run's callbacks when <see cref="OnSaveState"/> or <see cref="OnLoadState"/> is set; otherwise it only names the instance in messages.</summary>
    public string StateKey { get; init; } = nameof(LambdaCallback);

    /// <summary>The hooks that have a delegate.</summary>
    public HookMask Hooks =>
        (OnTrainStart is null ? 0 : HookMask.TrainStart)
        | (OnTrainEpochStart is null ? 0 : HookMask.TrainEpochStart)
        | (OnTrainBatchStart is null ? 0 : HookMask.TrainBatchStart)
        | (OnTrainBatchEnd is null ? 0 : HookMask.TrainBatchEnd)
        | (OnTrainEpochEnd is null ? 0 : HookMask.TrainEpochEnd)
        | (OnTrainEnd is null ? 0 : HookMask.TrainEnd)
        | (OnValidationStart is null ? 0 : HookMask.ValidationStart)
        | (OnValidationEpochStart is null ? 0 : HookMask.ValidationEpochStart)
        | (OnValidationBatchStart is null ? 0 : HookMask.ValidationBatchStart)
        | (OnValidationBatchEnd is null ? 0 : HookMask.ValidationBatchEnd)
        | (OnValidationEpochEnd is null ? 0 : HookMask.ValidationEpochEnd)
        | (OnValidationEnd is null ? 0 : HookMask.ValidationEnd)
        | (OnException is null ? 0 : HookMask.Exception)
        | (OnSaveState is null ? 0 : HookMask.SaveState)
        | (OnLoadState is null ? 0 : HookMask.LoadState)
        | (OnBeforeZeroGrad is null ? 0 : HookMask.BeforeZeroGrad)
        | (OnAfterBackward is null ? 0 : HookMask.AfterBackward)
        | (OnBeforeOptimizerStep is null ? 0 : HookMask.BeforeOptimizerStep);

    /// <inheritdoc/>
    public int GetPriority(Hook hook) => Priority;

    void ICallback.OnTrainStart(TrainerContext context) => OnTrainStart?.Invoke(context);

    void ICallback.OnTrainEpochStart(TrainerContext context, int epoch) => OnTrainEpochStart?.Invoke(context, epoch);

    void ICallback.OnTrainBatchStart(TrainerContext context, int batchIndex, long globalStep) => OnTrainBatchStart?.Invoke(context, batchIndex, globalStep);

    void ICallback.OnTrainBatchEnd(TrainerContext context, in StepOutput output, int batchIndex, long globalStep) => OnTrainBatchEnd?.Invoke(context, in output, batchIndex, globalStep);

    void ICallback.OnTrainEpochEnd(TrainerContext context, int epoch, MetricsView metrics) => OnTrainEpochEnd?.Invoke(context, epoch, metrics);

    void ICallback.OnTrainEnd(TrainerContext context, TrainEndReason reason) => OnTrainEnd?.Invoke(context, reason);

    void ICallback.OnValidationStart(TrainerContext context) => OnValidationStart?.Invoke(context);

    void ICallback.OnValidationEpochStart(TrainerContext context, int epoch) => OnValidationEpochStart?.Invoke(context, epoch);

    void ICallback.OnValidationBatchStart(TrainerContext context, int batchIndex, long globalStep) => OnValidationBatchStart?.Invoke(context, batchIndex, globalStep);

    void ICallback.OnValidationEnd(TrainerContext context) => OnValidationEnd?.Invoke(context);

    void ICallback.OnSaveState(TrainerContext context, CallbackStateWriter writer) => OnSaveState?.Invoke(context, writer);

    void ICallback.OnLoadState(TrainerContext context, CallbackStateReader reader) => OnLoadState?.Invoke(context, reader);

    void ICallback.OnValidationBatchEnd(TrainerContext context, in StepOutput output, int batchIndex, long globalStep) => OnValidationBatchEnd?.Invoke(context, in output, batchIndex, globalStep);

    void ICallback.OnValidationEpochEnd(TrainerContext context, int epoch, MetricsView metrics) => OnValidationEpochEnd?.Invoke(context, epoch, metrics);

    void ICallback.OnException(TrainerContext context, Exception exception) => OnException?.Invoke(context, exception);

    void ICallback.OnBeforeZeroGrad(TrainerContext context, GradientView gradients, int batchIndex, long globalStep) => OnBeforeZeroGrad?.Invoke(context, gradients, batchIndex, globalStep);

    void ICallback.OnAfterBackward(TrainerContext context, GradientView gradients, int batchIndex, long globalStep) => OnAfterBackward?.Invoke(context, gradients, batchIndex, globalStep);

    void ICallback.OnBeforeOptimizerStep(TrainerContext context, GradientView gradients, int batchIndex, long globalStep) => OnBeforeOptimizerStep?.Invoke(context, gradients, batchIndex, globalStep);
}
