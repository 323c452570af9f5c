using System;
using TorchSharp;
using static TorchSharp.torch;

namespace DreamTrainer.TorchSharp;

/// <summary>
/// The training step in phases (<see cref="IPhasedTrainingStep{TBatch}"/>), so the trainer runs the
/// optimizer-step hooks, gradient clipping and accumulation between them.
/// </summary>
/// <remarks>
/// Each phase runs in its own dispose scope. The loss tensor alone outlives <see cref="Forward"/>:
/// the autograd graph holds what backward needs natively, so the forward pass's wrappers are freed
/// at once, and nothing of a step is left in a scope that stays open while callbacks run.
/// </remarks>
public abstract partial class TorchSharpModule<TBatch>
{
    /// <inheritdoc/>
    public IGradientControl? Gradients => _gradientControl;

    /// <inheritdoc/>
    public StepResult Forward(TBatch batch, TrainerContext context)
    {
        _modes.LeaveEvaluation(Model);
        ReleasePendingLoss();
        int samples = BatchSize(batch);
        using (NewDisposeScope())
        {
            Tensor loss = ComputeLoss(batch, context, training: true);
            _trainLoss.Hold(loss);
            _pendingLoss = loss.DetachFromDisposeScope();
        }

        _pendingSamples = samples;
        return new StepResult(_trainLoss, samples);
    }

    /// <inheritdoc/>
    public void ZeroGrad()
    {
        using (NewDisposeScope())
        {
            TorchOptimizer.zero_grad();
        }
    }

    /// <inheritdoc/>
    /// <remarks>Back-propagates <c>loss * lossScale</c>; the gradients add to those already there (accumulation).</remarks>
    public void Backward(double lossScale)
    {
        Tensor loss = _pendingLoss ?? throw new InvalidOperationException("Backward needs a Forward first: each Forward's loss is back-propagated once.");
        using (NewDisposeScope())
        {
            Tensor scaled = loss;
            if (lossScale != 1)
            {
                using Scalar scale = lossScale;
                scaled = loss.mul(scale);
            }

            if (_gradients is not null)
            {
                _gradients.Backward(scaled, _pendingSamples);
            }
            else
            {
                scaled.backward();
            }
        }

        ReleasePendingLoss();
    }

    /// <inheritdoc/>
    public void OptimizerStep()
    {
        using (NewDisposeScope())
        {
            TorchOptimizer.step();
        }
    }

    /// <summary>Frees the last forward pass's graph (its loss), if backward has not.</summary>
    private void ReleasePendingLoss()
    {
        _pendingLoss?.Dispose();
        _pendingLoss = null;
    }
}
