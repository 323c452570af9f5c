using System;
using System.Collections.Generic;
using DreamTrainer.Testing;
using Xunit;

namespace DreamTrainer.Tests.Parity;

/// <summary>
/// keras-team/keras, keras/src/callbacks/early_stopping_test.py (EarlyStoppingTest): every test,
/// ported. Keras' compiled metrics declare their direction; here the module declares them
/// (<see cref="ITrainingModule{TBatch}.MetricDirections"/>). Numbers are epoch indices (from 0),
/// as in the Keras tests.
/// </summary>
public class KerasEarlyStoppingTests
{
    private static readonly Dictionary<string, MonitorMode> KerasDirections = new()
    {
        ["mse"] = MonitorMode.Min,
        ["acc"] = MonitorMode.Max,
        ["accuracy"] = MonitorMode.Max,
        ["hinge"] = MonitorMode.Min,
        ["f1_score"] = MonitorMode.Max,
    };

    private static ParityModule CompiledModel()
    {
        var module = new ParityModule { MetricDirections = KerasDirections };
        foreach (string metric in KerasDirections.Keys)
        {
            module.LogInTraining(metric, _ => 0.5, MetricReduction.Mean).LogInValidation("val_" + metric, _ => 0.5, MetricReduction.Mean);
        }

        return module;
    }

    // keras-team/keras keras/src/callbacks/early_stopping_test.py::EarlyStoppingTest::test_early_stopping
    [Theory]
    [InlineData(MonitorMode.Max, "val_mse", MonitorMode.Max)]
    [InlineData(MonitorMode.Min, "val_loss", MonitorMode.Min)]
    [InlineData(MonitorMode.Auto, "val_mse", MonitorMode.Min)]
    [InlineData(MonitorMode.Auto, "loss", MonitorMode.Min)]
    [InlineData(MonitorMode.Auto, "acc", MonitorMode.Max)]
    [InlineData(MonitorMode.Auto, "val_accuracy", MonitorMode.Max)]
    [InlineData(MonitorMode.Auto, "hinge", MonitorMode.Min)]
    [InlineData(MonitorMode.Auto, "f1_score", MonitorMode.Max)]
    public void test_early_stopping(MonitorMode mode, string monitor, MonitorMode expected)
    {
        var stopper = new EarlyStoppingCallback(monitor, mode, patience: 0);

        new Trainer(new TrainerOptions { MaxEpochs = 2 }, new CallbackCollection { stopper }).Fit(CompiledModel(), new[] { 1, 2 }, new[] { 1, 2 });

        Assert.Equal(expected, stopper.Mode);
    }

    // keras-team/keras keras/src/callbacks/early_stopping_test.py::EarlyStoppingTest::test_early_stopping (the "unknown" monitor raises)
    [Fact]
    public void test_early_stopping_unknown_monitor_raises()
    {
        ParityModule module = CompiledModel().TrainingScript("unknown", 1.0);
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 2 }, new CallbackCollection { new EarlyStoppingCallback("unknown") });

        var error = Assert.Throws<CallbackException>(() => trainer.Fit(module, new[] { 1 }, new[] { 1 }));

        Assert.Contains("MonitorMode.Auto", error.InnerException!.Message, StringComparison.Ordinal);
    }

    // keras-team/keras keras/src/callbacks/early_stopping_test.py::EarlyStoppingTest::test_early_stopping_patience
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void test_early_stopping_patience(int patience)
    {
        double[] losses = { 10.0, 9.0, 8.0, 9.0, 8.9, 8.8, 8.7, 8.6, 8.5 };
        var stopper = new EarlyStoppingCallback("loss", patience: patience);
        var harness = new CallbackTestHarness(stopper);
        harness.TrainStart();

        for (int epoch = 0; epoch < losses.Length; epoch++)
        {
            harness.TrainEpochEnd(epoch, ("loss", losses[epoch]));
            if (harness.Context.StopRequested)
            {
                break;
            }
        }

        Assert.Equal(Math.Max(patience, 1) + 2, stopper.StoppedEpoch);
    }

    // keras-team/keras keras/src/callbacks/early_stopping_test.py::EarlyStoppingTest::test_early_stopping_reuse
    [Fact]
    public void test_early_stopping_reuse()
    {
        const int patience = 3;
        var stopper = new EarlyStoppingCallback("mse", patience: patience);
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 20 }, new CallbackCollection { stopper });

        // A metric that never improves after the first epoch: each run stops after patience + 1 epochs.
        TrainResult first = trainer.Fit(CompiledModel(), new[] { 1 });
        TrainResult second = trainer.Fit(CompiledModel(), new[] { 1 });

        Assert.True(first.EpochsCompleted >= patience);
        Assert.Equal(first.EpochsCompleted, second.EpochsCompleted);
    }

    // keras-team/keras keras/src/callbacks/early_stopping_test.py::EarlyStoppingTest::test_state_reset_across_fit_calls
    [Fact]
    public void test_state_reset_across_fit_calls()
    {
        var stopper = new EarlyStoppingCallback("loss", patience: 0);
        var harness = new CallbackTestHarness(stopper);
        harness.TrainStart();
        harness.TrainEpochEnd(0, ("loss", 0.1));
        harness.TrainEpochEnd(1, ("loss", 0.5));
        Assert.Equal(0.1, stopper.Best);
        Assert.Equal(1, stopper.StoppedEpoch);

        harness.TrainStart();

        Assert.Null(stopper.Best);
        Assert.Equal(0, stopper.Wait);
        Assert.Equal(-1, stopper.StoppedEpoch);
        Assert.Equal(-1, stopper.BestEpoch);
        Assert.Equal(EarlyStoppingReason.NotStopped, stopper.StoppingReason);
    }

    // keras-team/keras keras/src/callbacks/early_stopping_test.py::EarlyStoppingTest::test_early_stopping_with_baseline
    [Fact]
    public void test_early_stopping_with_baseline()
    {
        const int patience = 3;
        var stopper = new EarlyStoppingCallback("mse", patience: patience, baseline: 0.6);
        ParityModule module = new ParityModule { MetricDirections = KerasDirections }.TrainingScript("mse", 0.9, 0.95);

        TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = 20 }, new CallbackCollection { stopper }).Fit(module, new[] { 1 });

        // The first epoch improves without beating the baseline, so the wait is not reset: the run ends after `patience` epochs.
        Assert.True(result.EpochsCompleted >= patience);
        Assert.Equal(patience, result.EpochsCompleted);
    }

    // keras-team/keras keras/src/callbacks/early_stopping_test.py::EarlyStoppingTest::test_early_stopping_final_weights_when_restoring_model_weights
    [Fact]
    public void test_early_stopping_final_weights_when_restoring_model_weights()
    {
        // The best epoch is 2 (0.1); patience 2 stops at epoch 4 and restores epoch 2's weights.
        (int epochs, int weights) = Run(new EarlyStoppingCallback("val_loss", patience: 2, restoreBestWeights: true), new[] { 0.2, 0.15, 0.1, 0.11, 0.12 });
        Assert.Equal(2, weights);

        // No epoch beats the baseline 0.5: training runs `patience` (5) epochs and restores the best of them, epoch 2.
        (epochs, weights) = Run(new EarlyStoppingCallback("val_loss", patience: 5, baseline: 0.5, restoreBestWeights: true), new[] { 0.9, 0.8, 0.7, 0.71, 0.72, 0.73 });
        Assert.Equal(5, epochs);
        Assert.Equal(2, weights);

        // Another callback stops the run at epoch 3: the best weights are still restored.
        (epochs, weights) = Run(new EarlyStoppingCallback("val_loss", patience: 5, baseline: 0.5, restoreBestWeights: true), new[] { 0.9, 0.8, 0.7, 0.71, 0.72, 0.73 }, stopAtEpoch: 3);
        Assert.Equal(4, epochs);
        Assert.Equal(2, weights);

        static (int Epochs, int Weights) Run(EarlyStoppingCallback stopper, double[] losses, int stopAtEpoch = -1)
        {
            var module = new ParityModule { ValidationLoss = epoch => losses[epoch] };
            var other = new LambdaCallback { OnTrainEpochEnd = (context, epoch, metrics) => { if (epoch == stopAtEpoch) { context.RequestStop("another callback"); } } };
            TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = losses.Length }, new CallbackCollection { stopper, other }).Fit(module, new[] { 1 }, new[] { 1 });
            return (result.EpochsCompleted, module.Weight);
        }
    }

    // keras-team/keras keras/src/callbacks/early_stopping_test.py::EarlyStoppingTest::test_early_stopping_with_start_from_epoch
    [Theory]
    [InlineData(2, 3)]
    [InlineData(2, 0)]
    public void test_early_stopping_with_start_from_epoch(int startFromEpoch, int patience)
    {
        var stopper = new EarlyStoppingCallback("mse", patience: patience, startFromEpoch: startFromEpoch);
        ParityModule module = new ParityModule { MetricDirections = KerasDirections }.TrainingScript("mse", 0.5, 0.4, 0.6, 0.7, 0.8, 0.9);

        TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = 20 }, new CallbackCollection { stopper }).Fit(module, new[] { 1 });

        // Epochs 0 and 1 are not monitored; the best is 0.6 at epoch 2, then `patience` epochs without improvement.
        Assert.True(result.EpochsCompleted >= patience + startFromEpoch);
        Assert.Equal(2, stopper.BestEpoch);
        Assert.Equal(startFromEpoch + Math.Max(patience, 1) + 1, result.EpochsCompleted);
    }
}
