using System.Collections.Generic;

namespace DreamTrainer;

/// <summary>
/// The user's model code, as the trainer sees it: one training step and one validation step
/// per batch. Your tensor code (TorchSharp or anything else) lives here.
/// </summary>
/// <typeparam name="TBatch">The batch type your data yields.</typeparam>
public interface ITrainingModule<in TBatch>
{
    /// <summary>Runs forward, backward and the optimizer step on one batch.</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="context">The trainer context (log metrics through it).</param>
    /// <returns>The step's loss (a value, or a deferred device scalar).</returns>
    StepResult TrainingStep(TBatch batch, TrainerContext context);

    /// <summary>Evaluates one validation batch (no gradient).</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="context">The trainer context (log <c>val_*</c> metrics through it).</param>
    /// <returns>The step's loss.</returns>
    StepResult ValidationStep(TBatch batch, TrainerContext context);

    /// <summary>The model object callbacks may read (<see cref="TrainerContext.Model"/>) or bind by its type (<c>MyNet model</c>). Default: the module.</summary>
    object? Model => this;

    /// <summary>The optimizer object callbacks may read (<see cref="TrainerContext.Optimizer"/>) or bind by its type (<c>Sgd optimizer</c>). Default: none.</summary>
    object? Optimizer => null;

    /// <summary>The learning-rate seam. Default: the module, if it implements <see cref="ILearningRateControl"/>.</summary>
    ILearningRateControl? LearningRates => this as ILearningRateControl;

    /// <summary>The model-state seam. Default: the module, if it implements <see cref="IModelStateControl"/>.</summary>
    IModelStateControl? ModelState => this as IModelStateControl;

    /// <summary>
    /// Whether each metric the module logs gets better going down (<see cref="MonitorMode.Min"/>) or
    /// up (<see cref="MonitorMode.Max"/>), so callbacks with <see cref="MonitorMode.Auto"/> can watch
    /// it: <c>{ ["accuracy"] = MonitorMode.Max }</c> also covers <c>val_accuracy</c>. Default: none
    /// (<c>loss</c> and <c>val_loss</c> are known to be minimized).
    /// </summary>
    IReadOnlyDictionary<string, MonitorMode>? MetricDirections => null;

    /// <summary>Gradient and parameter norms, when the engine computes them. Default: the module, if it implements <see cref="ITrainingDiagnostics"/>.</summary>
    ITrainingDiagnostics? Diagnostics => this as ITrainingDiagnostics;

    /// <summary>
    /// The ranks this module trains with, data-parallel: the group the module all-reduces its
    /// gradients over, and the one the trainer synchronises stop decisions, metrics and checkpoints
    /// over. Default: null, one process (<see cref="SingleProcessGroup"/>).
    /// </summary>
    IProcessGroup? ProcessGroup => null;

    /// <summary>
    /// The training step in phases, so the optimizer-step hooks run between them. Default: the module,
    /// if it implements <see cref="IPhasedTrainingStep{TBatch}"/>; then the trainer calls its phases
    /// instead of <see cref="TrainingStep"/>.
    /// </summary>
    IPhasedTrainingStep<TBatch>? PhasedStep => this as IPhasedTrainingStep<TBatch>;
}
