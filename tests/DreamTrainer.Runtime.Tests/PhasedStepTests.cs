using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace DreamTrainer.Tests;

/// <summary>
/// The optimizer-step hooks: fired between the phases of a module that exposes them, in Lightning's
/// order (tests/tests_pytorch/models/test_hooks.py, _auto_train_batch), with a gradient view that
/// measures and clips.
/// </summary>
public class PhasedStepTests
{
    private const HookMask StepHooks = HookMask.TrainBatchStart | HookMask.TrainBatchEnd | HookMask.BeforeZeroGrad | HookMask.AfterBackward | HookMask.BeforeOptimizerStep;

    [Fact]
    public void Each_training_step_runs_forward_zero_grad_backward_step_with_the_hooks_in_Lightnings_order()
    {
        var log = new List<string>();
        var module = new LinearModule(log);
        var probe = new ProbeCallback(log, "cb", StepHooks);

        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection { probe });

        trainer.Fit(module, new[] { 1.0, 2.0 });

        string[] oneStep(int i) => new[]
        {
            $"cb.TrainBatchStart({i},{i})", "forward", $"cb.BeforeZeroGrad({i})", "zero_grad", "backward x1", $"cb.AfterBackward({i})",
            $"cb.BeforeOptimizerStep({i})", "step", $"cb.TrainBatchEnd({i},{i})",
        };
        Assert.Equal(oneStep(0).Concat(oneStep(1)), log);
        Assert.Empty(trainer.Context!.Warnings);
    }

    [Fact]
    public void Clipping_by_norm_before_the_optimizer_step_changes_the_update_as_clip_grad_norm_does()
    {
        var module = new LinearModule(new List<string>()) { Gradient = (3, 4) };
        double seen = double.NaN;
        var clipper = new LambdaCallback
        {
            OnBeforeOptimizerStep = (_, gradients, _, _) => seen = gradients.ClipByNorm(1.0),
        };

        new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection { clipper }).Fit(module, new[] { 1.0 });

        // ||(3, 4)|| = 5, scaled by 1 / (5 + 1e-6): the step moves the weights by lr × (0.6, 0.8).
        Assert.Equal(5.0, seen, 6);
        Assert.Equal(-0.1 * 3 / (5 + 1e-6), module.Weights[0], 6);
        Assert.Equal(-0.1 * 4 / (5 + 1e-6), module.Weights[1], 6);
    }

    [Fact]
    public void The_gradient_view_measures_each_parameter_and_the_total_in_any_norm_and_clips_by_value()
    {
        var gradients = new ArrayGradients(("w", new float[] { 3, -4 }), ("b", new float[] { 12 }));
        var view = new GradientView(gradients);

        Assert.True(view.IsAvailable);
        Assert.Equal(2, view.ParameterCount);
        Assert.Equal("b", view.GetParameterName(1));
        Assert.Equal(5.0, view.GetNorm(0), 12);
        Assert.Equal(13.0, view.GetTotalNorm(), 12);
        Assert.Equal(19.0, view.GetTotalNorm(1), 12);
        Assert.Equal(12.0, view.GetTotalNorm(double.PositiveInfinity), 12);
        Assert.Equal(Math.Pow(27 + 64 + 1728, 1 / 3.0), view.GetTotalNorm(3), 9);

        view.ClipByValue(3.5);
        Assert.Equal(Math.Sqrt(9 + 12.25 + 12.25), view.GetTotalNorm(), 6);
        Assert.Equal(13.0, new GradientView(new ArrayGradients(("w", new float[] { 5, 12 }))).ClipByNorm(100), 6);
    }

    [Fact]
    public void The_gradient_view_rejects_bad_arguments_naming_them_and_says_when_the_engine_has_no_gradients()
    {
        var view = new GradientView(new ArrayGradients(("w", new float[] { 1 })));

        var maxNorm = Assert.Throws<ArgumentOutOfRangeException>(() => view.ClipByNorm(-1));
        var normType = Assert.Throws<ArgumentOutOfRangeException>(() => view.GetTotalNorm(0));
        var clip = Assert.Throws<ArgumentOutOfRangeException>(() => view.ClipByValue(double.NaN));
        var index = Assert.Throws<ArgumentOutOfRangeException>(() => view.GetNorm(1));
        var none = Assert.Throws<InvalidOperationException>(() => default(GradientView).GetTotalNorm());

        Assert.Equal("maxNorm", maxNorm.ParamName);
        Assert.Contains("it was -1", maxNorm.Message);
        Assert.Equal("normType", normType.ParamName);
        Assert.Equal("clipValue", clip.ParamName);
        Assert.Contains("between 0 and 0; it was 1", index.Message);
        Assert.Contains("IPhasedTrainingStep.Gradients", none.Message);
        Assert.False(default(GradientView).IsAvailable);
        Assert.Throws<ArgumentException>(() => new ArrayGradients(("w", new float[1]), ("w", new float[1])));
    }

    [Fact]
    public void A_module_without_phases_keeps_its_own_step_and_a_callback_that_needs_phases_is_warned_about()
    {
        var log = new List<string>();
        var probe = new ProbeCallback(log, "cb", HookMask.AfterBackward | HookMask.TrainBatchEnd);
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection { probe });

        trainer.Fit(new NoOpModule(), Data.Batches(2));

        Assert.Equal(new[] { "cb.TrainBatchEnd(0,0)", "cb.TrainBatchEnd(1,1)" }, log);
        string warning = Assert.Single(trainer.Context!.Warnings);
        Assert.Contains("implements AfterBackward, but the module does not run its training step in phases (IPhasedTrainingStep<System.Int32>)", warning);
    }

    /// <summary>y = w·(x, 1) fitted by SGD: forward keeps the batch gradient, backward adds it, step applies it.</summary>
    private sealed class LinearModule : ITrainingModule<double>, IPhasedTrainingStep<double>
    {
        private readonly List<string> _log;
        private readonly float[] _gradient = new float[2];
        private readonly ArrayGradients _gradients;
        private (float, float) _pending;

        public LinearModule(List<string> log)
        {
            _log = log;
            _gradients = new ArrayGradients(("w", _gradient));
        }

        public float[] Weights { get; } = new float[2];

        /// <summary>The gradient each forward produces (fixed, so tests can compute the step by hand).</summary>
        public (float, float) Gradient { get; init; } = (1, 1);

        public IGradientControl Gradients => _gradients;

        public StepResult TrainingStep(double batch, TrainerContext context) => throw new InvalidOperationException("The trainer must use the phases.");

        public StepResult ValidationStep(double batch, TrainerContext context) => 0;

        public StepResult Forward(double batch, TrainerContext context)
        {
            _log.Add("forward");
            _pending = Gradient;
            return batch;
        }

        public void ZeroGrad()
        {
            _log.Add("zero_grad");
            Array.Clear(_gradient);
        }

        public void Backward(double lossScale)
        {
            _log.Add($"backward x{lossScale}");
            _gradient[0] += (float)(_pending.Item1 * lossScale);
            _gradient[1] += (float)(_pending.Item2 * lossScale);
        }

        public void OptimizerStep()
        {
            _log.Add("step");
            Weights[0] -= 0.1f * _gradient[0];
            Weights[1] -= 0.1f * _gradient[1];
        }
    }
}
