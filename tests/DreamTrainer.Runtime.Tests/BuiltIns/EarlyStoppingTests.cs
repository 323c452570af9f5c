using System;
using System.IO;
using Xunit;

namespace DreamTrainer.Tests.BuiltIns;

public class EarlyStoppingTests
{
    private static (TrainResult Result, EarlyStoppingCallback Callback, ScriptedModule Module) Run(double[] valLosses, EarlyStoppingCallback callback, int maxEpochs = 20)
    {
        var module = new ScriptedModule(valLosses);
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = maxEpochs }, new CallbackCollection { callback });
        return (trainer.Fit(module, new[] { 1 }, new[] { 1 }), callback, module);
    }

    [Fact]
    public void Patience_counts_epochs_without_improvement_and_stops()
    {
        // Best at epoch 1 (0.5); epochs 2, 3, 4 do not improve: with patience 3 the stop is at epoch 4.
        var (result, callback, _) = Run(new[] { 1.0, 0.5, 0.6, 0.55, 0.7, 0.1 }, new EarlyStoppingCallback(patience: 3));

        Assert.Equal(TrainEndReason.Stopped, result.Reason);
        Assert.Equal(5, result.EpochsCompleted);
        Assert.Equal(4, callback.StoppedEpoch);
        Assert.Equal(0.5, callback.Best);
        Assert.Equal(1, callback.BestEpoch);
        Assert.Equal(3, callback.Wait);
        Assert.Contains("val_loss did not improve", result.StopReason, StringComparison.Ordinal);
        Assert.Contains("best 0.5 in epoch 2", result.StopReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Min_delta_ignores_improvements_that_are_too_small()
    {
        // 0.95 and 0.92 improve on 1.0 by less than 0.1: no improvement; stop at epoch 2 with patience 2.
        var (result, callback, _) = Run(new[] { 1.0, 0.95, 0.92, 0.5 }, new EarlyStoppingCallback(patience: 2, minDelta: 0.1));

        Assert.Equal(2, callback.StoppedEpoch);
        Assert.Equal(1.0, callback.Best);
        Assert.Equal(3, result.EpochsCompleted);
    }

    [Fact]
    public void A_baseline_must_be_beaten_before_waiting_resets()
    {
        // Improvements that do not beat the baseline 0.3 leave the wait counting: 0.9 improves at
        // epoch 1 (wait 2, not reset), 0.95 at epoch 2 makes wait 3 >= patience 2.
        var (withBaseline, stopper, _) = Run(new[] { 1.0, 0.9, 0.95, 0.95 }, new EarlyStoppingCallback(patience: 2, baseline: 0.3));
        var (without, plain, _) = Run(new[] { 1.0, 0.9, 0.95, 0.95 }, new EarlyStoppingCallback(patience: 2));

        Assert.Equal(2, stopper.StoppedEpoch);
        Assert.Equal(0.9, stopper.Best);
        Assert.Equal(3, plain.StoppedEpoch);
        Assert.Equal(TrainEndReason.Stopped, withBaseline.Reason);
        Assert.Equal(TrainEndReason.Stopped, without.Reason);

        // Beating the baseline resets the wait.
        var (completed, beaten, _) = Run(new[] { 1.0, 0.9, 0.8, 0.7, 0.2 }, new EarlyStoppingCallback(patience: 3, baseline: 0.3), maxEpochs: 5);
        Assert.Equal(TrainEndReason.Completed, completed.Reason);
        Assert.Equal(0.2, beaten.Best);
        Assert.Equal(0, beaten.Wait);
    }

    [Fact]
    public void Epochs_before_start_from_epoch_are_not_monitored()
    {
        var (result, callback, _) = Run(new[] { 0.1, 0.9, 0.9, 0.8, 0.85, 0.86 }, new EarlyStoppingCallback(patience: 2, startFromEpoch: 2));

        Assert.Equal(0.8, callback.Best);
        Assert.Equal(3, callback.BestEpoch);
        Assert.Equal(5, callback.StoppedEpoch);
        Assert.Equal(6, result.EpochsCompleted);
    }

    [Fact]
    public void Auto_mode_takes_the_declared_direction_at_the_first_check()
    {
        var callback = new EarlyStoppingCallback(monitor: "val_acc", patience: 1);
        var harness = new Testing.CallbackTestHarness(callback);
        harness.TrainStart();
        Assert.Equal(MonitorMode.Auto, callback.Mode);

        harness.Context.DeclareMetricDirection("acc", MonitorMode.Max);
        harness.TrainEpochEnd(0, ("val_acc", 0.5));

        Assert.Equal(MonitorMode.Max, callback.Mode);
        var loss = new EarlyStoppingCallback();
        var lossHarness = new Testing.CallbackTestHarness(loss);
        lossHarness.TrainStart();
        lossHarness.TrainEpochEnd(0, ("val_loss", 0.5));
        Assert.Equal(MonitorMode.Min, loss.Mode);
    }

    [Fact]
    public void Restore_best_weights_puts_back_the_best_epochs_weights_and_says_so()
    {
        var output = new StringWriter();
        var (result, callback, module) = Run(new[] { 1.0, 0.3, 0.5, 0.6, 0.7 }, new EarlyStoppingCallback(patience: 2, restoreBestWeights: true, output: output));

        Assert.Equal(3, callback.StoppedEpoch);
        Assert.Equal(1, module.Weight);
        Assert.Contains("Epoch 4: early stopping", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Restoring model weights from the end of the best epoch: 2.", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(TrainEndReason.Stopped, result.Reason);
    }

    [Fact]
    public void A_monitored_metric_that_never_appears_fails_at_the_first_epoch_end_listing_the_metrics()
    {
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 5 }, new CallbackCollection { new EarlyStoppingCallback(monitor: "val_accuracy") });

        var error = Assert.Throws<CallbackException>(() => trainer.Fit(new ScriptedModule(new[] { 1.0 }), new[] { 1 }, new[] { 1 }));

        Assert.Equal(Hook.TrainEpochEnd, error.Hook);
        Assert.Contains("'val_accuracy'", error.InnerException!.Message, StringComparison.Ordinal);
        Assert.Contains("epoch 1", error.InnerException.Message, StringComparison.Ordinal);
        Assert.Contains("loss, val_loss, lr", error.InnerException.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, 0.0, 0, "patience")]
    [InlineData(0, double.NaN, 0, "minDelta")]
    [InlineData(0, 0.0, -2, "startFromEpoch")]
    public void Bad_configuration_names_the_parameter_and_value(int patience, double minDelta, int startFromEpoch, string parameter)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new EarlyStoppingCallback(patience: patience, minDelta: minDelta, startFromEpoch: startFromEpoch));

        Assert.Equal(parameter, error.ParamName);
        Assert.Contains("it was", error.Message, StringComparison.Ordinal);
    }
}
