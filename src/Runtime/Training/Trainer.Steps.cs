using System;
using System.Collections;
using System.Collections.Generic;

namespace DreamTrainer;

// The phased training step: the optimizer-step hooks between the module's phases, gradient
// accumulation over windows of batches and clipping before each optimizer step (Lightning's
// accumulate_grad_batches, gradient_clip_val and gradient_clip_algorithm).
public sealed partial class Trainer
{
    private sealed partial class Loop<TBatch>
    {
        private readonly IPhasedTrainingStep<TBatch>? _phased;

        // Gradients were added since the last optimizer step: a window of accumulation is open.
        private bool _windowOpen;

        // Training batches per epoch when the data says how many (a collection), else -1.
        private readonly int _batchesPerEpoch;

        /// <summary>
        /// Checks that the module can do what the options ask (accumulation and clipping need its
        /// phases and gradients) and counts the epoch's batches, for the window that ends with it.
        /// </summary>
        private int PrepareSteps(IEnumerable<TBatch> trainData)
        {
            int accumulate = _options.AccumulateGradBatches;
            double clip = _options.GradientClipValue;
            string module = BindingCheck.Display(_module.GetType());
            if (_phased is null && (accumulate > 1 || clip > 0))
            {
                throw new InvalidOperationException(
                    $"{(accumulate > 1 ? $"AccumulateGradBatches ({accumulate})" : $"GradientClipValue ({clip})")} needs a module that runs its training step in phases "
                    + $"(IPhasedTrainingStep<{BindingCheck.Display(typeof(TBatch))}>); {module} does not.");
            }

            if (clip > 0 && _phased!.Gradients is null)
            {
                throw new InvalidOperationException($"GradientClipValue ({clip}) needs the module's gradients, but {module} returns no IGradientControl from IPhasedTrainingStep.Gradients.");
            }

            int count = trainData switch
            {
                IReadOnlyCollection<TBatch> collection => collection.Count,
                ICollection collection => collection.Count,
                _ => -1,
            };
            int limit = _options.LimitTrainBatches;
            return count < 0 ? -1 : limit >= 0 ? Math.Min(count, limit) : count;
        }

        /// <summary>
        /// One training step: the module's own, or its phases with the optimizer-step hooks between
        /// them. With accumulation over N batches a window starts at every N-th batch of the epoch
        /// (zero_grad), each batch back-propagates its loss times 1/N, and the optimizer steps after
        /// the N-th batch or the epoch's last (<paramref name="lastOfEpoch"/>), as Lightning does.
        /// </summary>
        private StepResult TrainingStep(TBatch batch, int batchIndex, long step, bool lastOfEpoch)
        {
            // The files asked for since the last step (an epoch's checkpoints, manifest and log) go to the disk together.
            _context.Files.EndGroup();
            if (_phased is not { } phased)
            {
                return _module.TrainingStep(batch, _context);
            }

            // Lightning's order: forward, zero_grad, backward, step.
            TrainerContext context = _context;
            int accumulate = _options.AccumulateGradBatches;
            StepResult result = phased.Forward(batch, context);
            var gradients = new GradientView(phased.Gradients);
            if (batchIndex % accumulate == 0)
            {
                _dispatching = (int)Hook.BeforeZeroGrad;
                _callbacks.OnBeforeZeroGrad(context, gradients, batchIndex, step);
                _dispatching = -1;
                phased.ZeroGrad();
            }

            phased.Backward(accumulate == 1 ? 1.0 : 1.0 / accumulate);
            _windowOpen = true;
            _dispatching = (int)Hook.AfterBackward;
            _callbacks.OnAfterBackward(context, gradients, batchIndex, step);
            _dispatching = -1;
            if ((batchIndex + 1) % accumulate == 0 || lastOfEpoch)
            {
                StepOptimizer(phased, gradients, batchIndex, step);
            }

            return result;
        }

        /// <summary>
        /// At the end of an epoch's data: a window left open (data whose length the trainer could not
        /// know beforehand) still steps, before the epoch-end hooks.
        /// </summary>
        private void FinishWindow(int batchIndex)
        {
            if (_windowOpen && _phased is { } phased)
            {
                StepOptimizer(phased, new GradientView(phased.Gradients), batchIndex - 1, _context.GlobalStep - 1);
            }
        }

        /// <summary>Whether the batch at <paramref name="batchIndex"/> is the epoch's last, when the trainer can know it.</summary>
        private bool IsLastOfEpoch(int batchIndex, long step)
        {
            long maxSteps = _options.MaxSteps;
            return (_batchesPerEpoch > 0 && batchIndex + 1 >= _batchesPerEpoch) || (maxSteps > 0 && step + 1 >= maxSteps);
        }

        private void StepOptimizer(IPhasedTrainingStep<TBatch> phased, GradientView gradients, int batchIndex, long step)
        {
            _dispatching = (int)Hook.BeforeOptimizerStep;
            _callbacks.OnBeforeOptimizerStep(_context, gradients, batchIndex, step);
            _dispatching = -1;
            double clip = _options.GradientClipValue;
            if (clip > 0)
            {
                if (_options.GradientClipAlgorithm == GradientClipAlgorithm.Norm)
                {
                    gradients.ClipByNorm(clip);
                }
                else
                {
                    gradients.ClipByValue(clip);
                }
            }

            phased.OptimizerStep();
            _windowOpen = false;
        }

        /// <summary>The run is over: keep neither its last batch nor its last step's outputs alive.</summary>
        private void ReleaseStep()
        {
            _batch.Clear();
            _context.TrainLoss.Clear();
            _context.ValidationLoss.Clear();
        }
    }
}
