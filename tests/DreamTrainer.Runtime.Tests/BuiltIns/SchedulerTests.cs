using System;
using System.IO;
using System.Linq;
using Xunit;

namespace DreamTrainer.Tests.BuiltIns;

public class SchedulerTests
{
    [Fact]
    public void StepLR_halves_the_rate_when_epochs_6_11_16_start_and_prints_each_reduction()
    {
        var output = new StringWriter();
        var scheduler = new StepLRScheduler(factor: 0.5, stepEpochs: 5, output: output);
        var module = new ScriptedModule(new[] { 1.0 }, learningRate: 0.1);

        new Trainer(new TrainerOptions { MaxEpochs = 20 }, new CallbackCollection { scheduler }).Fit(module, new[] { 1 });

        Assert.Equal(
            new[]
            {
                "Epoch 6: Reducing LR from 0.100000 to 0.050000",
                "Epoch 11: Reducing LR from 0.050000 to 0.025000",
                "Epoch 16: Reducing LR from 0.025000 to 0.012500",
            },
            output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
        Assert.Equal(20, scheduler.History.Count);
        Assert.Equal(0.1, scheduler.History[4], 12);
        Assert.Equal(0.05, scheduler.History[5], 12);
        Assert.Equal(0.025, scheduler.History[10], 12);
        Assert.Equal(0.0125, scheduler.History[19], 12);
        Assert.Equal(0.0125, module.Rate, 12);
    }

    [Fact]
    public void WarmupCosine_follows_the_formula_at_chosen_epochs()
    {
        var scheduler = new WarmupCosineScheduler(baseLearningRate: 0.1, warmupEpochs: 5, totalEpochs: 25);
        var module = new ScriptedModule(new[] { 1.0 });

        new Trainer(new TrainerOptions { MaxEpochs = 26 }, new CallbackCollection { scheduler }).Fit(module, new[] { 1 });

        Assert.Equal(0.02, scheduler.History[0], 12);
        Assert.Equal(0.06, scheduler.History[2], 12);
        Assert.Equal(0.1, scheduler.History[4], 12);
        Assert.Equal(0.1, scheduler.History[5], 12);
        Assert.Equal(0.1 * 0.5 * (1 + Math.Cos(Math.PI * 0.5)), scheduler.History[15], 12);
        Assert.Equal(0.05, scheduler.History[15], 12);
        Assert.Equal(0.1 * 0.5 * (1 + Math.Cos(Math.PI * 0.25)), scheduler.History[10], 12);
        Assert.Equal(0.0, scheduler.History[25], 12);
    }

    [Fact]
    public void ReduceLROnPlateau_waits_patience_epochs_then_cools_down_and_respects_the_floor()
    {
        // Best 1.0 at epoch 0, no improvement after; patience 2, cooldown 1, factor 0.5, floor 0.03.
        // epoch 1: wait 1. epoch 2: wait 2 -> 0.1 becomes 0.05, cooldown 1. epoch 3: the cooldown counts
        // down to 0 first, so (Keras' order) the epoch still counts: wait 1. epoch 4: wait 2 -> 0.025,
        // raised to the floor 0.03. epoch 5: wait 1. epochs 6-7: patience reached, but the rate is at the floor.
        var scheduler = new ReduceLROnPlateau(factor: 0.5, patience: 2, cooldown: 1, minLearningRate: 0.03, minDelta: 0);
        var module = new ScriptedModule(Enumerable.Repeat(1.0, 10).ToArray(), learningRate: 0.1);
        var rates = new double[8];
        var recorder = new LambdaCallback { OnTrainEpochEnd = (context, epoch, metrics) => rates[epoch] = context.LearningRate, Priority = -1 };

        new Trainer(new TrainerOptions { MaxEpochs = 8 }, new CallbackCollection { scheduler, recorder }).Fit(module, new[] { 1 }, new[] { 1 });

        Assert.Equal(new[] { 0.1, 0.1, 0.05, 0.05, 0.03, 0.03, 0.03, 0.03 }, rates);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    public void Factors_outside_zero_one_are_rejected(double factor)
    {
        Assert.Equal("factor", Assert.Throws<ArgumentOutOfRangeException>(() => new StepLRScheduler(factor: factor)).ParamName);
        Assert.Equal("factor", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(factor: factor)).ParamName);
    }

    [Fact]
    public void WarmupCosine_rejects_a_total_not_above_the_warmup()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosineScheduler(0.1, 5, 5));
        Assert.Equal("totalEpochs", error.ParamName);
        Assert.Contains("it was 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LearningRateMonitor_logs_each_group_and_momentum()
    {
        var module = new ScriptedModule(new[] { 1.0 }, learningRate: 0.2);

        TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection { new LearningRateMonitor(LoggingInterval.Step, logMomentum: true) })
            .Fit(module, new[] { 1, 2 });

        Assert.Equal(0.2, result.History[0]["lr"]);
        Assert.Equal(0.9, result.History[0]["momentum"]);
    }
}
