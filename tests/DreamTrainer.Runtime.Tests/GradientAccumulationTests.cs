using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace DreamTrainer.Tests;

/// <summary>
/// Gradient accumulation and clipping as trainer options, ported from Lightning's tests:
/// tests_pytorch/trainer/test_trainer.py (test_gradient_accumulation_scheduling_last_batch,
/// test_gradient_clipping_by_norm, test_gradient_clipping_by_value, test_invalid_gradient_clip_*)
/// and tests_pytorch/trainer/optimization/test_backward_calls.py (test_backward_count_with_grad_accumulation).
/// </summary>
public class GradientAccumulationTests
{
    private const HookMask StepHooks = HookMask.TrainBatchStart | HookMask.TrainBatchEnd | HookMask.BeforeZeroGrad | HookMask.AfterBackward | HookMask.BeforeOptimizerStep;

    [Theory]
    [InlineData(3, 10)] // divisible by neither: the epoch's last window is short
    [InlineData(3, 8)]
    [InlineData(4, 10)]
    [InlineData(4, 7)]
    [InlineData(4, 8)]
    public void The_weights_change_only_at_the_end_of_each_window_and_at_the_epochs_last_batch(int accumulate, int batches)
    {
        var module = new WindowModule();
        var changed = new List<(int Batch, bool Changed)>();
        float[] start = Array.Empty<float>();
        var probe = new LambdaCallback
        {
            OnTrainBatchStart = (_, _, _) => start = (float[])module.Weights.Clone(),
            OnTrainBatchEnd = (_, in _, batchIndex, _) => changed.Add((batchIndex, !start.SequenceEqual(module.Weights))),
        };

        new Trainer(new TrainerOptions { MaxEpochs = 2, AccumulateGradBatches = accumulate }, new CallbackCollection { probe }).Fit(module, Enumerable.Range(1, batches).Select(i => (double)i).ToArray());

        var expected = Enumerable.Range(0, batches).Select(b => (b, (b + 1) % accumulate == 0 || b == batches - 1));
        Assert.Equal(expected.Concat(expected), changed);
        Assert.Equal(2 * batches, module.Backwards.Count);
        Assert.Equal(2 * ((batches + accumulate - 1) / accumulate), module.Steps);
    }

    [Fact]
    public void Backward_runs_on_every_batch_with_the_loss_divided_by_the_window_and_steps_count_batches()
    {
        var module = new WindowModule();

        TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = 1, AccumulateGradBatches = 2 }).Fit(module, new double[] { 1, 2, 3, 4, 5, 6 });

        Assert.Equal(Enumerable.Repeat(0.5, 6), module.Backwards);
        Assert.Equal(3, module.Steps);
        Assert.Equal(6, result.GlobalStep);

        module = new WindowModule();
        result = new Trainer(new TrainerOptions { MaxEpochs = 5, MaxSteps = 5, AccumulateGradBatches = 2 }).Fit(module, new double[] { 1, 2, 3, 4, 5, 6 });
        Assert.Equal(5, module.Backwards.Count);
        Assert.Equal(3, module.Steps);
        Assert.Equal(5, result.GlobalStep);
    }

    [Fact]
    public void Hooks_run_in_Lightnings_order_zero_grad_opening_each_window_and_the_optimizer_step_closing_it()
    {
        var log = new List<string>();
        var module = new WindowModule(log);

        new Trainer(new TrainerOptions { MaxEpochs = 1, AccumulateGradBatches = 2 }, new CallbackCollection { new ProbeCallback(log, "cb", StepHooks) })
            .Fit(module, new double[] { 1, 2, 3 });

        Assert.Equal(
            new[]
            {
                "cb.TrainBatchStart(0,0)", "forward", "cb.BeforeZeroGrad(0)", "zero_grad", "backward x0.5", "cb.AfterBackward(0)", "cb.TrainBatchEnd(0,0)",
                "cb.TrainBatchStart(1,1)", "forward", "backward x0.5", "cb.AfterBackward(1)", "cb.BeforeOptimizerStep(1)", "step", "cb.TrainBatchEnd(1,1)",
                "cb.TrainBatchStart(2,2)", "forward", "cb.BeforeZeroGrad(2)", "zero_grad", "backward x0.5", "cb.AfterBackward(2)", "cb.BeforeOptimizerStep(2)", "step", "cb.TrainBatchEnd(2,2)",
            },
            log);
    }

    [Fact]
    public void A_window_accumulates_the_mean_gradient_of_its_batches_computed_by_hand()
    {
        var module = new WindowModule();

        new Trainer(new TrainerOptions { MaxEpochs = 1, AccumulateGradBatches = 3 }).Fit(module, new double[] { 1, 2, 6 });

        // Gradient of batch x: (x, 1); mean over the window (3, 1); SGD with lr 0.1.
        Assert.Equal(new[] { -0.3f, -0.1f }, module.Weights);
    }

    [Fact]
    public void Data_of_unknown_length_still_steps_its_last_short_window_before_the_epoch_ends()
    {
        var module = new WindowModule();
        var stepsAtEpochEnd = new List<int>();
        var probe = new LambdaCallback { OnTrainEpochEnd = (_, _, _) => stepsAtEpochEnd.Add(module.Steps) };

        new Trainer(new TrainerOptions { MaxEpochs = 2, AccumulateGradBatches = 4 }, new CallbackCollection { probe }).Fit(module, Unknown(6));

        Assert.Equal(new[] { 2, 4 }, stepsAtEpochEnd);
        Assert.Equal(12, module.Backwards.Count);
    }

    [Fact]
    public void Clipping_by_norm_leaves_a_total_norm_of_the_clip_value_before_the_step()
    {
        var module = new WindowModule { Gradient = x => (3 * x, 4 * x) };
        var norms = new List<double>();
        var probe = new LambdaCallback { OnTrainBatchEnd = (_, in _, _, _) => norms.Add(new GradientView(module.Gradients).GetTotalNorm()) };

        new Trainer(new TrainerOptions { MaxEpochs = 1, GradientClipValue = 0.05 }, new CallbackCollection { probe }).Fit(module, new double[] { 1, 10 });

        Assert.All(norms, norm => Assert.Equal(0.05, norm, 6));
        Assert.Equal(-0.1 * 0.05 * 0.6 * 2, module.Weights[0], 6);
    }

    [Fact]
    public void Clipping_by_value_leaves_no_gradient_element_larger_than_the_clip_value()
    {
        var module = new WindowModule { Gradient = x => (-3 * x, 4 * x) };
        var largest = new List<double>();
        var probe = new LambdaCallback { OnTrainBatchEnd = (_, in _, _, _) => largest.Add(new GradientView(module.Gradients).GetTotalNorm(double.PositiveInfinity)) };

        new Trainer(new TrainerOptions { MaxEpochs = 1, GradientClipValue = 1e-10, GradientClipAlgorithm = GradientClipAlgorithm.Value }, new CallbackCollection { probe })
            .Fit(module, new double[] { 1 });

        Assert.Equal(1e-10, Assert.Single(largest), 15);
        Assert.Equal(new[] { (float)(0.1 * 1e-10), (float)(-0.1 * 1e-10) }, module.Weights);
    }

    [Fact]
    public void Clipping_follows_the_before_optimizer_step_hooks_which_see_the_unclipped_gradients()
    {
        var module = new WindowModule { Gradient = x => (3, 4) };
        double seen = double.NaN;
        var probe = new LambdaCallback { OnBeforeOptimizerStep = (_, gradients, _, _) => seen = gradients.GetTotalNorm() };

        new Trainer(new TrainerOptions { MaxEpochs = 1, GradientClipValue = 1 }, new CallbackCollection { probe }).Fit(module, new double[] { 1 });

        Assert.Equal(5, seen, 6);
        Assert.Equal(-0.1 * 0.6, module.Weights[0], 6);
    }

    [Theory]
    [InlineData(nameof(TrainerOptions.AccumulateGradBatches), "AccumulateGradBatches must be at least 1; it was 0.")]
    [InlineData(nameof(TrainerOptions.GradientClipValue), "GradientClipValue must be finite and 0 (off) or more; it was -1.")]
    [InlineData(nameof(TrainerOptions.GradientClipAlgorithm), "GradientClipAlgorithm must be Norm or Value; it was 7.")]
    public void Invalid_accumulation_and_clipping_options_fail_at_construction_naming_the_option_and_value(string option, string message)
    {
        var options = option switch
        {
            nameof(TrainerOptions.AccumulateGradBatches) => new TrainerOptions { AccumulateGradBatches = 0 },
            nameof(TrainerOptions.GradientClipValue) => new TrainerOptions { GradientClipValue = -1 },
            _ => new TrainerOptions { GradientClipAlgorithm = (GradientClipAlgorithm)7 },
        };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(options));

        Assert.Equal(option, error.ParamName);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(new TrainerOptions { GradientClipValue = double.NaN }));
    }

    [Fact]
    public void Accumulation_or_clipping_with_a_module_without_phases_fails_before_training_naming_the_option()
    {
        var accumulate = Assert.Throws<InvalidOperationException>(() => new Trainer(new TrainerOptions { AccumulateGradBatches = 2 }).Fit(new NoOpModule(), Data.Batches(2)));
        var clip = Assert.Throws<InvalidOperationException>(() => new Trainer(new TrainerOptions { GradientClipValue = 1 }).Fit(new NoOpModule(), Data.Batches(2)));

        Assert.Contains("AccumulateGradBatches (2) needs a module that runs its training step in phases (IPhasedTrainingStep<System.Int32>)", accumulate.Message, StringComparison.Ordinal);
        Assert.Contains("GradientClipValue (1)", clip.Message, StringComparison.Ordinal);
    }

    private static IEnumerable<double> Unknown(int count)
    {
        for (int i = 1; i <= count; i++)
        {
            yield return i;
        }
    }
}

/// <summary>y = w·(x, 1) fitted by SGD with lr 0.1: a batch's gradient is <see cref="Gradient"/>(x), added by backward times the loss scale.</summary>
internal sealed class WindowModule : ITrainingModule<double>, IPhasedTrainingStep<double>
{
    private readonly List<string>? _log;
    private readonly float[] _gradient = new float[2];
    private readonly ArrayGradients _gradients;
    private (double, double) _pending;

    public WindowModule(List<string>? log = null)
    {
        _log = log;
        _gradients = new ArrayGradients(("w", _gradient));
    }

    public float[] Weights { get; } = new float[2];

    public Func<double, (double, double)> Gradient { get; init; } = x => (x, 1);

    public List<double> Backwards { get; } = new();

    /// <summary>Record each backward's loss scale (off for allocation measurements).</summary>
    public bool Record { get; init; } = true;

    public int Steps { get; private set; }

    public IGradientControl Gradients => _gradients;

    public StepResult TrainingStep(double batch, TrainerContext context) => throw new InvalidOperationException("The trainer must use the phases.");

    public StepResult ValidationStep(double batch, TrainerContext context) => 0;

    public StepResult Forward(double batch, TrainerContext context)
    {
        _log?.Add("forward");
        _pending = Gradient(batch);
        return batch;
    }

    public void ZeroGrad()
    {
        _log?.Add("zero_grad");
        Array.Clear(_gradient);
    }

    public void Backward(double lossScale)
    {
        _log?.Add($"backward x{lossScale.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        if (Record)
        {
            Backwards.Add(lossScale);
        }

        _gradient[0] += (float)(_pending.Item1 * lossScale);
        _gradient[1] += (float)(_pending.Item2 * lossScale);
    }

    public void OptimizerStep()
    {
        _log?.Add("step");
        Steps++;
        Weights[0] -= 0.1f * _gradient[0];
        Weights[1] -= 0.1f * _gradient[1];
    }
}

/// <summary>Accumulation and clipping keep a training step free of allocation.</summary>
[Collection(nameof(AllocationTests))]
public class GradientAccumulationAllocationTests
{
    [Fact]
    public void Ten_thousand_steps_accumulating_over_4_batches_and_clipping_by_norm_allocate_nothing()
    {
        var meter = new StepAllocationMeter(firstStep: 2_000, lastStep: 12_000);
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 1, AccumulateGradBatches = 4, GradientClipValue = 0.5 }, new CallbackCollection { meter });
        double[] batches = Enumerable.Range(0, 13_000).Select(i => (double)(i % 7)).ToArray();

        trainer.Fit(new WindowModule { Record = false }, batches);
        var module = new WindowModule { Record = false };
        trainer.Fit(module, batches);

        Assert.True(meter.Measured, "the meter saw both steps");
        Assert.Equal(0, meter.AllocatedBytes);
        Assert.Equal(13_000 / 4, module.Steps);
    }
}
