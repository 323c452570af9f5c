using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Optimizer = TorchSharp.torch.optim.Optimizer;

namespace DreamTrainer.TorchSharp;

/// <summary>
/// A TorchSharp model and optimizer as a DreamTrainer module. You write <see cref="ComputeLoss"/>
/// (forward and loss for one batch); this class runs each step inside its own
/// <c>DisposeScope</c> (backward, optimizer step, nothing leaks), keeps the loss on the device
/// until a callback reads it, and implements the engine seams the callbacks use: learning rates
/// per parameter group (<c>optimizer.ParamGroups</c>), model and optimizer state for checkpoints,
/// in-memory snapshots for restore-best-weights, and gradient/parameter norms. With a process group
/// of several ranks it trains data-parallel: gradients are all-reduced through the host before the
/// optimizer steps (<see cref="HostGradientAllReduce"/>; NCCL, the GPU path, is not provided).
/// </summary>
/// <remarks>
/// Modes follow Lightning: training does not call <c>train()</c>, so submodules you put in eval mode
/// (a frozen BatchNorm) stay there; the first validation step of a phase records every submodule's
/// mode and calls <c>eval()</c>, and the first training step after it puts the recorded modes back.
/// </remarks>
/// <typeparam name="TBatch">The batch type your data yields.</typeparam>
public abstract partial class TorchSharpModule<TBatch> : ITrainingModule<TBatch>, IPhasedTrainingStep<TBatch>, ILearningRateControl, IModelStateControl, ITrainingDiagnostics, IDisposable
{
    private readonly optim.ILearningRateController[] _groups;
    private readonly DeferredLoss _trainLoss = new();
    private readonly DeferredLoss _validationLoss = new();
    private readonly HostGradientAllReduce? _gradients;
    private readonly ModuleModes _modes = new();
    private TorchGradients? _gradientControl;
    private Tensor? _pendingLoss;
    private int _pendingSamples;

    /// <summary>
    /// Moves <paramref name="model"/> to <paramref name="device"/>, then builds its optimizer there
    /// with <paramref name="createOptimizer"/>. Use this form: moving a model to another device
    /// replaces its parameters, so an optimizer must be built from the moved ones.
    /// </summary>
    /// <param name="model">The model, on any device.</param>
    /// <param name="createOptimizer">Builds the optimizer from the moved model's parameters, e.g. <c>p =&gt; optim.Adam(p, 1e-3)</c>.</param>
    /// <param name="device">Where to train; default: CUDA when available, else CPU.</param>
    /// <param name="processGroup">The ranks training together (each on its shard of every batch); null: this process alone.</param>
    protected TorchSharpModule(nn.Module model, Func<IEnumerable<Parameter>, Optimizer> createOptimizer, Device? device = null, IProcessGroup? processGroup = null)
    {
        ArgumentNullException.ThrowIfNull(createOptimizer);
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Device = device ?? Devices.Best();
        MoveModel();
        TorchOptimizer = createOptimizer(Model.parameters()) ?? throw new ArgumentException("createOptimizer returned null.", nameof(createOptimizer));
        (_groups, ProcessGroup, _gradients) = Initialize(nameof(createOptimizer), processGroup);
    }

    /// <summary>
    /// Wraps a model already on <paramref name="device"/> and an optimizer built from its parameters.
    /// A model elsewhere is refused: moving it would give it new parameters the optimizer does not
    /// know (its first step would fail). Use the constructor that takes an optimizer factory instead.
    /// </summary>
    /// <param name="model">The model, already on <paramref name="device"/>.</param>
    /// <param name="optimizer">Its optimizer.</param>
    /// <param name="device">Where to train; default: CUDA when available, else CPU.</param>
    /// <param name="processGroup">The ranks training together (each on its shard of every batch); null: this process alone.</param>
    /// <exception cref="ArgumentException">The model has parameters that are not on <paramref name="device"/>.</exception>
    protected TorchSharpModule(nn.Module model, Optimizer optimizer, Device? device = null, IProcessGroup? processGroup = null)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        TorchOptimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        Device = device ?? Devices.Best();
        if (Model.parameters().FirstOrDefault(p => !Devices.IsOn(p, Device)) is { } elsewhere)
        {
            throw new ArgumentException(
                $"model has parameters on {elsewhere.device} but trains on {Device}: moving it now would replace its parameters and leave the optimizer with ones "
                + "the model no longer uses. Pass an optimizer factory (the constructor taking Func<IEnumerable<Parameter>, Optimizer>), or move the model with model.to(device) before building the optimizer.",
                nameof(model));
        }

        (_groups, ProcessGroup, _gradients) = Initialize(nameof(optimizer), processGroup);
    }

    /// <summary>The model.</summary>
    public nn.Module Model { get; }

    /// <summary>The optimizer.</summary>
    public Optimizer TorchOptimizer { get; }

    /// <summary>The device the model trains on.</summary>
    public Device Device { get; }

    /// <summary>The ranks the module trains with (the trainer synchronises over the same group).</summary>
    public IProcessGroup ProcessGroup { get; }

    /// <summary>Device synchronizations caused by reading losses (steps and epoch means).</summary>
    public long LossReads => _trainLoss.Reads + _validationLoss.Reads;

    /// <summary>Device synchronizations caused by norms the callbacks asked for (<see cref="ITrainingDiagnostics"/>).</summary>
    public long NormReads { get; private set; }

    /// <summary>Loss tensors held across steps (at most two per phase: the current loss and the epoch sum).</summary>
    public int HeldTensors => _trainLoss.LiveTensors + _validationLoss.LiveTensors;

    object? ITrainingModule<TBatch>.Model => Model;

    object? ITrainingModule<TBatch>.Optimizer => TorchOptimizer;

    IProcessGroup? ITrainingModule<TBatch>.ProcessGroup => ProcessGroup;

    /// <inheritdoc/>
    public int GroupCount => _groups.Length;

    /// <summary>Forward pass and loss for one batch; runs inside the step's dispose scope.</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="context">The trainer context (log metrics through it).</param>
    /// <param name="training">True in a training step (gradients on), false in validation (no_grad).</param>
    /// <returns>The scalar loss tensor.</returns>
    protected abstract Tensor ComputeLoss(TBatch batch, TrainerContext context, bool training);

    /// <summary>The number of samples in <paramref name="batch"/> (for the step result, and across ranks the weight of this rank's gradient); default 1.</summary>
    /// <param name="batch">The batch.</param>
    /// <returns>The batch size.</returns>
    protected virtual int BatchSize(TBatch batch) => 1;

    /// <inheritdoc/>
    /// <remarks>The phases in Lightning's order, one after the other: <see cref="Forward"/>, <see cref="ZeroGrad"/>, <see cref="Backward"/>, <see cref="OptimizerStep"/>.</remarks>
    public StepResult TrainingStep(TBatch batch, TrainerContext context)
    {
        StepResult result = Forward(batch, context);
        ZeroGrad();
        Backward(1.0);
        OptimizerStep();
        return result;
    }

    /// <inheritdoc/>
    public StepResult ValidationStep(TBatch batch, TrainerContext context)
    {
        ReleasePendingLoss();
        _modes.EnterEvaluation(Model);
        using (NewDisposeScope())
        using (no_grad())
        {
            _validationLoss.Hold(ComputeLoss(batch, context, training: false));
        }

        return new StepResult(_validationLoss, BatchSize(batch));
    }

    /// <inheritdoc/>
    public double GetLearningRate(int group) => _groups[group].LearningRate;

    /// <inheritdoc/>
    public void SetLearningRate(int group, double learningRate) => _groups[group].LearningRate = learningRate;

    /// <inheritdoc/>
    public bool TryGetMomentum(int group, out double momentum)
    {
        switch (_groups[group])
        {
            case optim.IMomentum withMomentum:
                momentum = withMomentum.Momentum;
                return true;
            case optim.IBetas withBetas:
                momentum = withBetas.Betas.Item1;
                return true;
            default:
                momentum = double.NaN;
                return false;
        }
    }

    /// <summary>Releases the held loss tensors.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the held loss tensors.</summary>
    /// <param name="disposing">True from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            ReleasePendingLoss();
            _trainLoss.Dispose();
            _validationLoss.Dispose();
            _gradients?.Dispose();
        }
    }

    /// <summary>
    /// Moves the model unless every parameter is already there (a move replaces parameters, even onto
    /// the same device). Under no_grad, as PyTorch's <c>Module.to</c>: TorchSharp 0.99 otherwise makes
    /// the moved parameters non-leaf copies whose gradients also flow back to the host originals.
    /// </summary>
    private void MoveModel()
    {
        if (Model.parameters().Any(p => !Devices.IsOn(p, Device)) || TensorOps.Buffers(Model, true).Any(b => !Devices.IsOn(b, Device)))
        {
            using (no_grad())
            {
                TensorOps.MoveModule(Model, Device);
            }
        }
    }

    private (optim.ILearningRateController[] Groups, IProcessGroup Group, HostGradientAllReduce? Gradients) Initialize(string optimizerName, IProcessGroup? processGroup)
    {
        optim.ILearningRateController[] groups = TorchOptimizer.ParamGroups.ToArray();
        if (groups.Length == 0)
        {
            throw new ArgumentException("The optimizer has no parameter groups.", optimizerName);
        }

        IProcessGroup group = processGroup ?? SingleProcessGroup.Instance;
        _gradientControl = new TorchGradients(Model);
        return (groups, group, group.WorldSize > 1 ? new HostGradientAllReduce(Model, group) : null);
    }
}
