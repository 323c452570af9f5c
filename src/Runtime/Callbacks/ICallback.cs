using System;
using System.Collections.Generic;

namespace DreamTrainer;

/// <summary>
/// A callback as the trainer sees it. The source generator implements this interface for every
/// partial class with hook methods; you rarely implement it by hand. A callback is only ever
/// called for the hooks in <see cref="Hooks"/>; the others keep their empty default bodies.
/// </summary>
public interface ICallback
{
    /// <summary>The hooks this callback implements; dispatch tables hold a callback only for these.</summary>
    HookMask Hooks { get; }

    /// <summary>The key of this callback's state in checkpoints; unique among the callbacks of a run.</summary>
    string StateKey { get; }

    /// <summary>What the trainer does when this callback throws.</summary>
    CallbackErrorPolicy ErrorPolicy { get; }

    /// <summary>The priority of <paramref name="hook"/>: higher runs first, ties in registration order.</summary>
    /// <param name="hook">One of the hooks in <see cref="Hooks"/>.</param>
    /// <returns>The priority.</returns>
    int GetPriority(Hook hook);

    /// <summary>
    /// What the hook methods bind by a type of their choosing (the batch, the step outputs, the model,
    /// the optimizer), so the trainer can check those types once, when Fit starts; empty when none.
    /// </summary>
    IReadOnlyList<HookBinding> Bindings => Array.Empty<HookBinding>();

    /// <summary>Called once, before the first epoch.</summary>
    /// <param name="context">The trainer context.</param>
    void OnTrainStart(TrainerContext context)
    {
    }

    /// <summary>Called at the start of each training epoch (0-based).</summary>
    /// <param name="context">The trainer context.</param>
    /// <param name="epoch">The 0-based epoch.</param>
    void OnTrainEpochStart(TrainerContext context, int epoch)
    {
    }

    /// <summary>Called before each training step; <paramref name="globalStep"/> is the 0-based index of the step about to run.</summary>
    /// <param name="context">The trainer context.</param>
    /// <param name="batchIndex">The 0-based batch index within the epoch.</param>
    /// <param name="globalStep">The 0-based index of the training step.</param>
    void OnTrainBatchStart(TrainerContext context, int batchIndex, long globalStep)
    {
    }

    /// <summary>Called after each training step with its output; reading <see cref="StepOutput.Loss"/> may synchronize the device.</summary>
    /// <param name="context">The trainer context.</param>
    /// <param name="output">The step's output.</param>
    /// <param name="batchIndex">The 0-based batch index within the epoch.</param>
    /// <param name="globalStep">The 0-based index of the training step.</param>
    void OnTrainBatchEnd(TrainerContext context, in StepOutput output, int batchIndex, long globalStep)
    {
    }

    /// <summary>Called at the end of each epoch, after its validation, with the epoch's metrics (including <c>val_*</c>).</summary>
    /// <param name="context">The trainer context.</param>
    /// <param name="epoch">The 0-based epoch.</param>
    /// <param name="metrics">The epoch's metrics.</param>
    void OnTrainEpochEnd(TrainerContext context, int epoch, MetricsView metrics)
    {
    }

    /// <summary>Called always, when training ends, with the reason.</summary>
    /// <param name="context">The trainer context.</param>
    /// <param name="reason">Why training ended.</param>
    void OnTrainEnd(TrainerContext context, TrainEndReason reason)
    {
    }

    /// <summary>Called before a validation pass.</summary>
    /// <param name="context">The trainer context.</param>
    void OnValidationStart(TrainerContext context)
    {
    }

    /// <summary>Called at the start of the validation epoch.</summary>
    /// <param name="context">The trainer context.</param>
    /// <param name="epoch">The 0-based epoch.</param>
    void OnValidationEpochStart(TrainerContext context, int epoch)
    {
    }

    /// <summary>Called before each validation step.</summary>
    /// <param name="context">The trainer context.</param>
    /// <param name="batchIndex">The 0-based batch index within the epoch.</param>
    /// <param name="globalStep">The 0-based index of the training step.</param>
    void OnValidationBatchStart(TrainerContext context, int batchIndex, long globalStep)
    {
    }

    /// <summary>Called after each validation step with its output.</summary>
    /// <param name="context">The trainer context.</param>
    /// <param name="output">The step's output.</param>
    /// <param name="batchIndex">The 0-based batch index within the epoch.</param>
    /// <param name="globalStep">The 0-based index of the training step.</param>
    void OnValidationBatchEnd(TrainerContext context, in StepOutput output, int batchIndex, long globalStep)
    {
    }

    /// <summary>Called after the last validation step, with <c>val_*</c> metrics.</summary>
    /// <param name="context">The trainer context.</param>
    /// <param name="epoch">The 0-based epoch.</param>
    /// <param name="metrics">The epoch's metrics.</param>
    void OnValidationEpochEnd(TrainerContext context, int epoch, MetricsView metrics)
    {
    }

    /// <summary>Called after a validation pass.</summary>
    /// <param name="context">The trainer context.</param>
    void OnValidationEnd(TrainerContext context)
    {
    }

    /// <summary>Called when a step or a callback throws, before <see cref="Hook.TrainEnd"/> with <see cref="TrainEndReason.Failed"/>.</summary>
    /// <param name="context">The trainer context.</param>
    /// <param name="exception">The failure.</param>
    void OnException(TrainerContext context, Exception exception)
    {
    }

    /// <summary>Called when a checkpoint is written: write the callback's state.</summary>
    /// <param name="context">The trainer context.</param>
    /// <param name="writer">Where the state goes.</param>
    void OnSaveState(TrainerContext context, CallbackStateWriter writer)
    {
    }

    /// <summary>Called when a run resumes from a checkpoint: read the callback's state.</summary>
    /// <param name="context">The trainer context.</param>
    /// <param name="reader">Where the state comes from.</param>
    void OnLoadState(TrainerContext context, CallbackStateReader reader)
    {
    }

    /// <summary>Called in a phased training step after backward: this batch's gradients are in place.</summary>
    /// <param name="context">The trainer context.</param>
    /// <param name="gradients">The gradients (norms, clipping).</param>
    /// <param name="batchIndex">The 0-based batch index within the epoch.</param>
    /// <param name="globalStep">The 0-based index of the training step.</param>
    void OnAfterBackward(TrainerContext context, GradientView gradients, int batchIndex, long globalStep)
    {
    }

    /// <summary>Called in a phased training step just before the optimizer step: clip gradients here.</summary>
    /// <param name="context">The trainer context.</param>
    /// <param name="gradients">The gradients (norms, clipping).</param>
    /// <param name="batchIndex">The 0-based batch index within the epoch.</param>
    /// <param name="globalStep">The 0-based index of the training step.</param>
    void OnBeforeOptimizerStep(TrainerContext context, GradientView gradients, int batchIndex, long globalStep)
    {
    }

    /// <summary>Called in a phased training step before the gradients are cleared for a new optimizer step.</summary>
    /// <param name="context">The trainer context.</param>
    /// <param name="gradients">The gradients (norms, clipping).</param>
    /// <param name="batchIndex">The 0-based batch index within the epoch.</param>
    /// <param name="globalStep">The 0-based index of the training step.</param>
    void OnBeforeZeroGrad(TrainerContext context, GradientView gradients, int batchIndex, long globalStep)
    {
    }
}
