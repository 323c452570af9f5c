namespace DreamTrainer;

/// <summary>
/// Optional engine seam: a module whose training step the trainer may run in phases, so callbacks
/// can act between them (<see cref="Hook.BeforeZeroGrad"/>, <see cref="Hook.AfterBackward"/>,
/// <see cref="Hook.BeforeOptimizerStep"/>: gradient norms, clipping). A module that does not
/// implement it keeps its <see cref="ITrainingModule{TBatch}.TrainingStep"/>, and those hooks never run.
/// </summary>
/// <remarks>
/// <para>Per training batch the trainer calls, in Lightning's order: <see cref="Forward"/>; at the
/// start of an optimizer step's window <c>OnBeforeZeroGrad</c> and <see cref="ZeroGrad"/>;
/// <see cref="Backward"/>; <c>OnAfterBackward</c>; at the end of the window
/// <c>OnBeforeOptimizerStep</c> and <see cref="OptimizerStep"/>. Without gradient accumulation a
/// window is one batch. With accumulation over N batches, backward runs every batch with
/// <c>lossScale = 1/N</c> and adds into the gradients, which are cleared only before the first batch
/// of a window and applied after its last.</para>
/// <para>TorchSharp (<c>DreamTrainer.TorchSharp</c>): <c>Forward</c> runs the model and the loss in a
/// dispose scope of its own and keeps only the loss tensor past it (the autograd graph holds what
/// backward needs natively); the loss is back-propagated and freed by <c>Backward</c>, and a detached
/// copy stays for <see cref="IDeferredScalar"/> until the next step.</para>
/// </remarks>
/// <typeparam name="TBatch">The batch type.</typeparam>
public interface IPhasedTrainingStep<in TBatch>
{
    /// <summary>The gradients, for the hooks; null when the engine cannot expose them.</summary>
    IGradientControl? Gradients { get; }

    /// <summary>Forward pass and loss of one batch, keeping what <see cref="Backward"/> needs.</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="context">The trainer context (log metrics through it).</param>
    /// <returns>The loss (a value, or a deferred device scalar) and the step's outputs.</returns>
    StepResult Forward(TBatch batch, TrainerContext context);

    /// <summary>Clears the gradients (<c>optimizer.zero_grad()</c>).</summary>
    void ZeroGrad();

    /// <summary>Back-propagates the loss of the last <see cref="Forward"/> times <paramref name="lossScale"/>, adding into the gradients.</summary>
    /// <param name="lossScale">1 divided by the number of batches accumulated into one optimizer step (1 without accumulation).</param>
    void Backward(double lossScale);

    /// <summary>Updates the parameters from the gradients (<c>optimizer.step()</c>).</summary>
    void OptimizerStep();
}
