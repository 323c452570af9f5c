using System;

namespace DreamTrainer.Testing;

// The per-batch hooks: the batch and the step outputs a step would give them, and the optimizer-step hooks.
public sealed partial class CallbackTestHarness
{
    /// <summary>Runs <see cref="Hook.TrainBatchStart"/> (with the current batch, if one was given).</summary>
    /// <param name="batchIndex">The batch index.</param>
    /// <param name="globalStep">The step index; default: the context's step count.</param>
    public void TrainBatchStart(int batchIndex = 0, long? globalStep = null)
    {
        long step = globalStep ?? Context.GlobalStep;
        Context.BatchIndex = batchIndex;
        Run(TrainerPhase.Training, Hook.TrainBatchStart, () => Dispatcher.OnTrainBatchStart(Context, batchIndex, step));
    }

    /// <summary>Runs <see cref="Hook.TrainBatchStart"/> for <paramref name="batch"/>, which hooks binding <c>batch</c> receive (and later hooks of the step, until another batch is given).</summary>
    /// <typeparam name="TBatch">The batch type, as the trainer's data would yield it.</typeparam>
    /// <param name="batch">The batch.</param>
    /// <param name="batchIndex">The batch index.</param>
    /// <param name="globalStep">The step index; default: the context's step count.</param>
    public void TrainBatchStart<TBatch>(TBatch batch, int batchIndex = 0, long? globalStep = null)
    {
        SetBatch(batch, Hook.TrainBatchStart);
        TrainBatchStart(batchIndex, globalStep);
    }

    /// <summary>Runs <see cref="Hook.TrainBatchEnd"/> with a step that had <paramref name="loss"/> (and <paramref name="outputs"/>); advances the step count, then writes a requested checkpoint.</summary>
    /// <param name="loss">The step's loss.</param>
    /// <param name="batchIndex">The batch index.</param>
    /// <param name="globalStep">The step index; default: the context's step count.</param>
    /// <param name="outputs">What the step returned besides the loss, for hooks binding <c>outputs</c>.</param>
    public void TrainBatchEnd(double loss = 0, int batchIndex = 0, long? globalStep = null, object? outputs = null)
    {
        long step = globalStep ?? Context.GlobalStep;
        Context.BatchIndex = batchIndex;
        Context.TrainLoss.Set(new StepResult(loss, outputs: outputs));
        var output = new StepOutput(Context.TrainLoss);
        Context.GlobalStep = step + 1;
        BindingCheck.CheckOutputs(Dispatcher.Callbacks, Hook.TrainBatchEnd, outputs, "harness step");
        Run(TrainerPhase.Training, Hook.TrainBatchEnd, () => Dispatcher.OnTrainBatchEnd(Context, in output, batchIndex, step));
        WriteRequestedCheckpoint();
    }

    /// <summary>
    /// Runs <see cref="Hook.TrainBatchEnd"/> for <paramref name="batch"/> with a step that had
    /// <paramref name="loss"/> and <paramref name="outputs"/> — the guide's
    /// <c>callback.on_train_batch_end(trainer, outputs, batch, batch_idx)</c>.
    /// </summary>
    /// <typeparam name="TBatch">The batch type, as the trainer's data would yield it.</typeparam>
    /// <param name="batch">The batch.</param>
    /// <param name="loss">The step's loss.</param>
    /// <param name="outputs">What the step returned besides the loss.</param>
    /// <param name="batchIndex">The batch index.</param>
    /// <param name="globalStep">The step index; default: the context's step count.</param>
    public void TrainBatchEnd<TBatch>(TBatch batch, double loss = 0, object? outputs = null, int batchIndex = 0, long? globalStep = null)
    {
        SetBatch(batch, Hook.TrainBatchEnd);
        TrainBatchEnd(loss, batchIndex, globalStep, outputs);
    }

    /// <summary>Runs <see cref="Hook.ValidationBatchStart"/> (with the current batch, if one was given).</summary>
    /// <param name="batchIndex">The batch index.</param>
    public void ValidationBatchStart(int batchIndex = 0) =>
        Run(TrainerPhase.Validating, Hook.ValidationBatchStart, () => Dispatcher.OnValidationBatchStart(Context, batchIndex, Context.GlobalStep));

    /// <summary>Runs <see cref="Hook.ValidationBatchStart"/> for <paramref name="batch"/>.</summary>
    /// <typeparam name="TBatch">The batch type.</typeparam>
    /// <param name="batch">The batch.</param>
    /// <param name="batchIndex">The batch index.</param>
    public void ValidationBatchStart<TBatch>(TBatch batch, int batchIndex = 0)
    {
        SetBatch(batch, Hook.ValidationBatchStart);
        ValidationBatchStart(batchIndex);
    }

    /// <summary>Runs <see cref="Hook.ValidationBatchEnd"/> with a step that had <paramref name="loss"/> (and <paramref name="outputs"/>).</summary>
    /// <param name="loss">The step's loss.</param>
    /// <param name="batchIndex">The batch index.</param>
    /// <param name="outputs">What the step returned besides the loss.</param>
    public void ValidationBatchEnd(double loss = 0, int batchIndex = 0, object? outputs = null)
    {
        Context.ValidationLoss.Set(new StepResult(loss, outputs: outputs));
        var output = new StepOutput(Context.ValidationLoss);
        BindingCheck.CheckOutputs(Dispatcher.Callbacks, Hook.ValidationBatchEnd, outputs, "harness step");
        Run(TrainerPhase.Validating, Hook.ValidationBatchEnd, () => Dispatcher.OnValidationBatchEnd(Context, in output, batchIndex, Context.GlobalStep));
    }

    /// <summary>Runs <see cref="Hook.ValidationBatchEnd"/> for <paramref name="batch"/>.</summary>
    /// <typeparam name="TBatch">The batch type.</typeparam>
    /// <param name="batch">The batch.</param>
    /// <param name="loss">The step's loss.</param>
    /// <param name="outputs">What the step returned besides the loss.</param>
    /// <param name="batchIndex">The batch index.</param>
    public void ValidationBatchEnd<TBatch>(TBatch batch, double loss = 0, object? outputs = null, int batchIndex = 0)
    {
        SetBatch(batch, Hook.ValidationBatchEnd);
        ValidationBatchEnd(loss, batchIndex, outputs);
    }

    /// <summary>Runs <see cref="Hook.BeforeZeroGrad"/> over <paramref name="gradients"/> (see <see cref="ArrayGradients"/>).</summary>
    /// <param name="gradients">The gradients the hook sees; null: an engine without gradient access.</param>
    /// <param name="batchIndex">The batch index.</param>
    public void BeforeZeroGrad(IGradientControl? gradients, int batchIndex = 0) =>
        Run(TrainerPhase.Training, Hook.BeforeZeroGrad, () => Dispatcher.OnBeforeZeroGrad(Context, new GradientView(gradients), batchIndex, Context.GlobalStep));

    /// <summary>Runs <see cref="Hook.AfterBackward"/> over <paramref name="gradients"/>.</summary>
    /// <param name="gradients">The gradients the hook sees; null: an engine without gradient access.</param>
    /// <param name="batchIndex">The batch index.</param>
    public void AfterBackward(IGradientControl? gradients, int batchIndex = 0) =>
        Run(TrainerPhase.Training, Hook.AfterBackward, () => Dispatcher.OnAfterBackward(Context, new GradientView(gradients), batchIndex, Context.GlobalStep));

    /// <summary>Runs <see cref="Hook.BeforeOptimizerStep"/> over <paramref name="gradients"/>.</summary>
    /// <param name="gradients">The gradients the hook sees (and may clip); null: an engine without gradient access.</param>
    /// <param name="batchIndex">The batch index.</param>
    public void BeforeOptimizerStep(IGradientControl? gradients, int batchIndex = 0) =>
        Run(TrainerPhase.Training, Hook.BeforeOptimizerStep, () => Dispatcher.OnBeforeOptimizerStep(Context, new GradientView(gradients), batchIndex, Context.GlobalStep));

    /// <summary>The batch hooks see from now on, once <paramref name="hook"/>'s methods accept its type; one slot per batch type, as one per run in the trainer.</summary>
    private void SetBatch<TBatch>(TBatch batch, Hook hook)
    {
        BindingCheck.Check(Dispatcher.Callbacks, new BindingCheck.Offer(typeof(TBatch), Context.Model, Context.Optimizer), "the harness call", hook);
        if (Context.BatchSlot is not BatchSlot<TBatch> slot)
        {
            slot = new BatchSlot<TBatch>();
            Context.BatchSlot = slot;
        }

        slot.Set(batch);
    }
}
