namespace DreamTrainer;

// The phased training step: the optimizer-step hooks between the module's phases.
public sealed partial class Trainer
{
    private sealed partial class Loop<TBatch>
    {
        private readonly IPhasedTrainingStep<TBatch>? _phased;

        /// <summary>One training step: the module's own, or its phases with the optimizer-step hooks between them.</summary>
        private StepResult TrainingStep(TBatch batch, int batchIndex, long step)
        {
            if (_phased is not { } phased)
            {
                return _module.TrainingStep(batch, _context);
            }

            // Lightning's order: forward, zero_grad, backward, step. Each window is one batch here;
            // accumulation over N batches would clear before the first and step after the last.
            TrainerContext context = _context;
            StepResult result = phased.Forward(batch, context);
            var gradients = new GradientView(phased.Gradients);
            _dispatching = (int)Hook.BeforeZeroGrad;
            _callbacks.OnBeforeZeroGrad(context, gradients, batchIndex, step);
            _dispatching = -1;
            phased.ZeroGrad();
            phased.Backward(1.0);
            _dispatching = (int)Hook.AfterBackward;
            _callbacks.OnAfterBackward(context, gradients, batchIndex, step);
            _dispatching = (int)Hook.BeforeOptimizerStep;
            _callbacks.OnBeforeOptimizerStep(context, gradients, batchIndex, step);
            _dispatching = -1;
            phased.OptimizerStep();
            return result;
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
