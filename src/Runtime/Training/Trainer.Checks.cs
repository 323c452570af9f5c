using System;
using System.Collections.Generic;

namespace DreamTrainer;

// What is checked before a run starts: the types the hooks bind.
public sealed partial class Trainer
{
    private const HookMask PhaseHooks = HookMask.BeforeZeroGrad | HookMask.AfterBackward | HookMask.BeforeOptimizerStep;

    private sealed partial class Loop<TBatch>
    {
        private readonly BatchSlot<TBatch> _batch = new();
        private readonly IReadOnlyList<ICallback> _running;

        // True until the first step of the phase has been checked against hooks binding its outputs.
        private bool _checkTrainOutputs;
        private bool _checkValidationOutputs;

        /// <summary>
        /// Checks, before the run starts, every type a hook binds against this run (step outputs wait
        /// for the first step), and warns about optimizer-step hooks the module will never fire.
        /// </summary>
        private void PrepareBindings()
        {
            BindingCheck.Check(_running, new BindingCheck.Offer(typeof(TBatch), _context.Model, _context.Optimizer), "the data");
            _checkTrainOutputs = BindingCheck.BindsOutputs(_running, Hook.TrainBatchEnd);
            _checkValidationOutputs = BindingCheck.BindsOutputs(_running, Hook.ValidationBatchEnd);
            _context.BatchSlot = _batch;
            if (_phased is not null)
            {
                return;
            }

            foreach (ICallback callback in _running)
            {
                if ((callback.Hooks & PhaseHooks) != 0)
                {
                    _context.Warn(
                        $"Callback '{CallbackCollection.Describe(callback)}' implements {callback.Hooks & PhaseHooks}, but the module does not run its "
                        + $"training step in phases (IPhasedTrainingStep<{BindingCheck.Display(typeof(TBatch))}>), so those hooks never run.");
                }
            }
        }

        /// <summary>At the first step of a phase: do the outputs fit every hook that binds them?</summary>
        private void CheckOutputs(Hook hook, object? outputs)
        {
            if (hook == Hook.TrainBatchEnd)
            {
                _checkTrainOutputs = false;
                BindingCheck.CheckOutputs(_running, hook, outputs, "training step");
            }
            else
            {
                _checkValidationOutputs = false;
                BindingCheck.CheckOutputs(_running, hook, outputs, "validation step");
            }
        }
    }
}
