using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using Optimizer = TorchSharp.torch.optim.Optimizer;

namespace DreamTrainer.TorchSharp;

/// <summary>
/// A TorchSharp model and optimizer as a DreamTrainer module. You write <see cref="ComputeLoss"/>
/// (forward and loss for one batch); this class runs each step inside its own
/// <c>DisposeScope</c> (backward, optimizer step, nothing leaks), keeps the loss on the device
/// until a callback reads it, and implements the engine seams the callbacks use: learning rates
/// per parameter group (<c>optimizer.ParamGroups</c>), model save/load (<c>Module.save</c>/<c>load</c>),
/// in-memory snapshots for restore-best-weights, and gradient/parameter norms. With a process group
/// of several ranks it trains data-parallel: gradients are all-reduced through the host before the
/// optimizer steps (<see cref="HostGradientAllReduce"/>; NCCL, the GPU path, is not provided).
/// </summary>
/// <typeparam name="TBatch">The batch type your data yields.</typeparam>
public abstract class TorchSharpModule<TBatch> : ITrainingModule<TBatch>, ILearningRateControl, IModelStateControl, ITrainingDiagnostics, IDisposable
{
    private readonly optim.ILearningRateController[] _groups;
    private readonly DeferredLoss _trainLoss = new();
    private readonly DeferredLoss _validationLoss = new();
    private readonly HostGradientAllReduce? _gradients;

    /// <summary>Wraps <paramref name="model"/> and <paramref name="optimizer"/>, moving the model to <paramref name="device"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="optimizer">Its optimizer.</param>
    /// <param name="device">Where to train; default: CUDA when available, else CPU.</param>
    /// <param name="processGroup">The ranks training together (each on its shard of every batch); null: this process alone.</param>
    protected TorchSharpModule(nn.Module model, Optimizer optimizer, Device? device = null, IProcessGroup? processGroup = null)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        TorchOptimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        Device = device ?? Devices.Best();
        Model.to(Device);
        _groups = optimizer.ParamGroups.ToArray();
        if (_groups.Length == 0)
        {
            throw new ArgumentException("optimizer has no parameter groups.", nameof(optimizer));
        }

        ProcessGroup = processGroup ?? SingleProcessGroup.Instance;
        _gradients = ProcessGroup.WorldSize > 1 ? new HostGradientAllReduce(model, ProcessGroup) : null;
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
    public StepResult TrainingStep(TBatch batch, TrainerContext context)
    {
        Model.train();
        using (NewDisposeScope())
        {
            TorchOptimizer.zero_grad();
            Tensor loss = ComputeLoss(batch, context, training: true);
            if (_gradients is not null)
            {
                _gradients.Backward(loss, BatchSize(batch));
            }
            else
            {
                loss.backward();
            }

            TorchOptimizer.step();
            _trainLoss.Hold(loss);
        }

        return new StepResult(_trainLoss, BatchSize(batch));
    }

    /// <inheritdoc/>
    public StepResult ValidationStep(TBatch batch, TrainerContext context)
    {
        Model.eval();
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

    /// <inheritdoc/>
    public void Save(Stream destination) => Model.save(destination);

    /// <inheritdoc/>
    public void Load(Stream source) => Model.load(source);

    /// <inheritdoc/>
    public object CreateSnapshot()
    {
        var copy = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using (no_grad())
        {
            foreach (KeyValuePair<string, Tensor> entry in Model.state_dict())
            {
                copy[entry.Key] = entry.Value.detach().clone().DetachFromDisposeScope();
            }
        }

        return new WeightsSnapshot(copy);
    }

    /// <inheritdoc/>
    public void Restore(object snapshot)
    {
        var weights = snapshot as WeightsSnapshot ?? throw new ArgumentException("The snapshot was not made by this module.", nameof(snapshot));
        using (no_grad())
        {
            foreach (KeyValuePair<string, Tensor> entry in Model.state_dict())
            {
                entry.Value.copy_(weights.Tensors[entry.Key]);
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Uses <c>nn.utils.clip_grad_norm_</c> with an unreachable maximum, so it only measures: the
    /// gradient accessor changed from a method to a property between TorchSharp 0.99 and 0.10x,
    /// and this call has the same signature in both.
    /// </remarks>
    public bool TryGetGradientNorm(out double norm)
    {
        norm = nn.utils.clip_grad_norm_(Model.parameters(), double.MaxValue);
        return double.IsFinite(norm);
    }

    /// <inheritdoc/>
    public bool TryGetParameterNorm(out double norm)
    {
        using (NewDisposeScope())
        {
            double sum = 0;
            foreach (var parameter in Model.parameters())
            {
                sum += parameter.detach().pow(2).sum().to_type(ScalarType.Float64).item<double>();
            }

            norm = Math.Sqrt(sum);
            return true;
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
            _trainLoss.Dispose();
            _validationLoss.Dispose();
            _gradients?.Dispose();
        }
    }
}
