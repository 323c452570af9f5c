using System;

namespace DreamTrainer;

/// <summary>
/// The hooks of the training loop. Each value is the bit position of the hook in
/// <see cref="HookMask"/>; the list is defined once, in the hook catalogue.
/// </summary>
public enum Hook
{
    /// <summary>Once, before the first epoch.</summary>
    TrainStart = 0,

    /// <summary>At the start of each training epoch.</summary>
    TrainEpochStart = 1,

    /// <summary>Before each training step.</summary>
    TrainBatchStart = 2,

    /// <summary>After each training step.</summary>
    TrainBatchEnd = 3,

    /// <summary>After the epoch's validation, so <c>val_*</c> metrics are present (Keras order).</summary>
    TrainEpochEnd = 4,

    /// <summary>Always, when training ends for any reason.</summary>
    TrainEnd = 5,

    /// <summary>Before a validation pass.</summary>
    ValidationStart = 6,

    /// <summary>At the start of the validation epoch.</summary>
    ValidationEpochStart = 7,

    /// <summary>Before each validation step.</summary>
    ValidationBatchStart = 8,

    /// <summary>After each validation step.</summary>
    ValidationBatchEnd = 9,

    /// <summary>After the last validation step, with <c>val_*</c> metrics.</summary>
    ValidationEpochEnd = 10,

    /// <summary>After a validation pass.</summary>
    ValidationEnd = 11,

    /// <summary>When a step or a callback throws, before <see cref="TrainEnd"/> with <see cref="TrainEndReason.Failed"/>.</summary>
    Exception = 12,

    /// <summary>When a checkpoint is written: the callback writes its state.</summary>
    SaveState = 13,

    /// <summary>When a run resumes from a checkpoint: the callback reads its state.</summary>
    LoadState = 14,

    /// <summary>In a phased training step, after backward: the gradients of this batch are in place.</summary>
    AfterBackward = 15,

    /// <summary>In a phased training step, before the optimizer updates the parameters (clip gradients here).</summary>
    BeforeOptimizerStep = 16,

    /// <summary>In a phased training step, before the gradients are cleared for the next optimizer step.</summary>
    BeforeZeroGrad = 17,
}

/// <summary>A set of hooks: which hooks a callback implements.</summary>
[Flags]
public enum HookMask
{
    /// <summary>No hook.</summary>
    None = 0,

    /// <summary><see cref="Hook.TrainStart"/>.</summary>
    TrainStart = 1 << Hook.TrainStart,

    /// <summary><see cref="Hook.TrainEpochStart"/>.</summary>
    TrainEpochStart = 1 << Hook.TrainEpochStart,

    /// <summary><see cref="Hook.TrainBatchStart"/>.</summary>
    TrainBatchStart = 1 << Hook.TrainBatchStart,

    /// <summary><see cref="Hook.TrainBatchEnd"/>.</summary>
    TrainBatchEnd = 1 << Hook.TrainBatchEnd,

    /// <summary><see cref="Hook.TrainEpochEnd"/>.</summary>
    TrainEpochEnd = 1 << Hook.TrainEpochEnd,

    /// <summary><see cref="Hook.TrainEnd"/>.</summary>
    TrainEnd = 1 << Hook.TrainEnd,

    /// <summary><see cref="Hook.ValidationStart"/>.</summary>
    ValidationStart = 1 << Hook.ValidationStart,

    /// <summary><see cref="Hook.ValidationEpochStart"/>.</summary>
    ValidationEpochStart = 1 << Hook.ValidationEpochStart,

    /// <summary><see cref="Hook.ValidationBatchStart"/>.</summary>
    ValidationBatchStart = 1 << Hook.ValidationBatchStart,

    /// <summary><see cref="Hook.ValidationBatchEnd"/>.</summary>
    ValidationBatchEnd = 1 << Hook.ValidationBatchEnd,

    /// <summary><see cref="Hook.ValidationEpochEnd"/>.</summary>
    ValidationEpochEnd = 1 << Hook.ValidationEpochEnd,

    /// <summary><see cref="Hook.ValidationEnd"/>.</summary>
    ValidationEnd = 1 << Hook.ValidationEnd,

    /// <summary><see cref="Hook.Exception"/>.</summary>
    Exception = 1 << Hook.Exception,

    /// <summary><see cref="Hook.SaveState"/>.</summary>
    SaveState = 1 << Hook.SaveState,

    /// <summary><see cref="Hook.LoadState"/>.</summary>
    LoadState = 1 << Hook.LoadState,

    /// <summary><see cref="Hook.AfterBackward"/>.</summary>
    AfterBackward = 1 << Hook.AfterBackward,

    /// <summary><see cref="Hook.BeforeOptimizerStep"/>.</summary>
    BeforeOptimizerStep = 1 << Hook.BeforeOptimizerStep,

    /// <summary><see cref="Hook.BeforeZeroGrad"/>.</summary>
    BeforeZeroGrad = 1 << Hook.BeforeZeroGrad,
}

/// <summary>Why training ended; passed to <see cref="Hook.TrainEnd"/>.</summary>
public enum TrainEndReason
{
    /// <summary>Every epoch (or the step budget) ran.</summary>
    Completed,

    /// <summary>A callback requested a stop (early stopping, NaN loss, …).</summary>
    Stopped,

    /// <summary>A step or a callback threw.</summary>
    Failed,

    /// <summary>The cancellation token passed to Fit was cancelled.</summary>
    Cancelled,
}

/// <summary>What the trainer does when a callback throws.</summary>
public enum CallbackErrorPolicy
{
    /// <summary>
    /// The default: training stops, every callback gets <see cref="Hook.Exception"/> and then
    /// <see cref="Hook.TrainEnd"/> with <see cref="TrainEndReason.Failed"/>, and Fit throws a
    /// <see cref="CallbackException"/> naming the callback and the hook.
    /// </summary>
    Propagate,

    /// <summary>
    /// The failure is reported (logged, counted in the <c>callback_errors</c> metric, listed in
    /// <see cref="TrainerContext.Errors"/>) and training goes on.
    /// </summary>
    Isolate,
}
