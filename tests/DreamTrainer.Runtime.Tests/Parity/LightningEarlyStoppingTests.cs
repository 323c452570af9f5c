using System;
using System.Collections.Generic;
using System.IO;
using Xunit;

namespace DreamTrainer.Tests.Parity;

/// <summary>
/// Lightning-AI/pytorch-lightning, tests/tests_pytorch/callbacks/test_early_stopping.py.
/// Lightning's EarlyStopping defaults to patience 3 and mode min; the ports pass them. Ported:
/// test_early_stopping_state_key, test_resume_early_stopping_from_checkpoint,
/// test_early_stopping_no_extraneous_invocations, test_early_stopping_patience,
/// test_early_stopping_patience_train, test_early_stopping_no_val_step,
/// test_early_stopping_thresholds, test_early_stopping_on_non_finite_monitor,
/// test_min_epochs_min_steps_global_step, test_early_stopping_mode_options,
/// test_multiple_early_stopping_callbacks (single-process cases),
/// test_check_on_train_epoch_end_smart_handling (the val_check_interval case is a README
/// difference: the check runs at epoch ends), test_early_stopping_reasons.
/// Not applicable: test_pickling (Python pickling), test_early_stopping_squeezes (tensor shapes),
/// test_early_stopping_log_info and the ddp_spawn cases of test_multiple_early_stopping_callbacks
/// (no multi-process runs yet).
/// </summary>
public class LightningEarlyStoppingTests : ParityFolder
{
    private static TrainResult Fit(ParityModule model, int epochs, params ICallback[] callbacks) =>
        new Trainer(new TrainerOptions { MaxEpochs = epochs }, new CallbackCollection(callbacks)).Fit(model, Batches(2), Batches(1));

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_early_stopping.py::test_early_stopping_state_key
    [Fact]
    public void test_early_stopping_state_key()
    {
        // Deliberate difference in form only: monitor and mode are in the key, in this runtime's notation.
        Assert.Equal("EarlyStopping[val_loss|min]", new EarlyStoppingCallback("val_loss", MonitorMode.Min).StateKey);
        Assert.NotEqual(new EarlyStoppingCallback("val_loss", MonitorMode.Max).StateKey, new EarlyStoppingCallback("val_loss", MonitorMode.Min).StateKey);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_early_stopping.py::test_resume_early_stopping_from_checkpoint
    [Fact]
    public void test_resume_early_stopping_from_checkpoint()
    {
        var states = new List<(int Wait, double? Best)>();
        var stopper = new EarlyStoppingCallback("loss", MonitorMode.Min, patience: 3);
        var recorder = new LambdaCallback { OnTrainEpochEnd = (_, _, _) => states.Add((stopper.Wait, stopper.Best)), Priority = -1 };
        var checkpoint = new CheckpointCallback(Root, "loss", MonitorMode.Min, saveTopK: 1);
        var model = new ParityModule { TrainLoss = epoch => new[] { 0.5, 0.4, 0.45, 0.42 }[epoch] };
        Fit(model, 4, stopper, recorder, checkpoint);
        Assert.Equal(4, states.Count);

        // The best checkpoint (epoch index 1) holds early stopping's state of that epoch.
        var restored = new EarlyStoppingCallback("loss", MonitorMode.Min, patience: 3);
        var observed = new LambdaCallback { OnTrainStart = _ => states.Add((restored.Wait, restored.Best)) };
        var resumeTrainer = new Trainer(new TrainerOptions { MaxEpochs = 3 }, new CallbackCollection { restored, observed });
        resumeTrainer.Resume(checkpoint.BestPath!, new ParityModule(), Batches(2));
        Assert.Equal(states[1], states[4]);

        // Resuming with fewer epochs than the checkpoint holds fails, naming both numbers.
        var tooShort = new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection { new EarlyStoppingCallback("loss", MonitorMode.Min) });
        var error = Assert.Throws<InvalidOperationException>(() => tooShort.Resume(checkpoint.BestPath!, new ParityModule(), Batches(2)));
        Assert.Contains("2 epoch(s) already trained, and MaxEpochs is 1", error.Message, StringComparison.Ordinal);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_early_stopping.py::test_early_stopping_no_extraneous_invocations
    [Fact]
    public void test_early_stopping_no_extraneous_invocations()
    {
        // A metric that never improves after the first epoch: one check per epoch adds one to the wait.
        var stopper = new EarlyStoppingCallback("train_loss", MonitorMode.Min, patience: 10);
        Fit(new ParityModule().TrainingScript("train_loss", 1.0), 4, stopper);

        Assert.Equal(3, stopper.Wait);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_early_stopping.py::test_early_stopping_patience
    [Theory]
    [InlineData(new double[] { 6, 5, 5, 5, 5, 5 }, 3, 4)]
    [InlineData(new double[] { 6, 5, 4, 4, 3, 3 }, 1, 3)]
    [InlineData(new double[] { 6, 5, 6, 5, 5, 5 }, 3, 4)]
    public void test_early_stopping_patience(double[] losses, int patience, int expectedStopEpoch)
    {
        var stopper = new EarlyStoppingCallback("test_val_loss", MonitorMode.Min, patience: patience);

        TrainResult result = Fit(new ParityModule().ValidationScript("test_val_loss", losses), 10, stopper);

        Assert.Equal(expectedStopEpoch, result.EpochsCompleted - 1);
        Assert.Equal(expectedStopEpoch, stopper.StoppedEpoch);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_early_stopping.py::test_early_stopping_patience_train
    [Theory]
    [InlineData(new double[] { 6, 5, 5, 5, 5, 5 }, 3, 4, true)]
    [InlineData(new double[] { 6, 5, 4, 4, 3, 3 }, 1, 3, true)]
    [InlineData(new double[] { 6, 5, 6, 5, 5, 5 }, 3, 4, true)]
    [InlineData(new double[] { 6, 5, 5, 5, 5, 5 }, 3, 4, false)]
    [InlineData(new double[] { 6, 5, 4, 4, 3, 3 }, 1, 3, false)]
    [InlineData(new double[] { 6, 5, 6, 5, 5, 5 }, 3, 4, false)]
    public void test_early_stopping_patience_train(double[] losses, int patience, int expectedStopEpoch, bool validationStepNone)
    {
        var stopper = new EarlyStoppingCallback("train_loss", MonitorMode.Min, patience: patience);
        ParityModule model = new ParityModule().TrainingScript("train_loss", losses);
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 10 }, new CallbackCollection { stopper });

        TrainResult result = trainer.Fit(model, Batches(2), validationStepNone ? null : Batches(1));

        Assert.Equal(expectedStopEpoch, result.EpochsCompleted - 1);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_early_stopping.py::test_early_stopping_no_val_step
    [Fact]
    public void test_early_stopping_no_val_step()
    {
        var stopping = new EarlyStoppingCallback("train_loss", MonitorMode.Min, minDelta: 0.1, patience: 0);
        ParityModule model = new ParityModule().LogInTraining("train_loss", c => 1.0 - (0.05 * c.Epoch));

        TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = 10 }, new CallbackCollection { stopping }).Fit(model, Batches(2));

        Assert.Equal(TrainEndReason.Stopped, result.Reason);
        Assert.True(result.EpochsCompleted < 10);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_early_stopping.py::test_early_stopping_thresholds
    [Theory]
    [InlineData(null, null, new double[] { 8, 4, 2, 3, 4, 5, 8, 10 }, 5, EarlyStoppingReason.PatienceExhausted)]
    [InlineData(2.9, null, new double[] { 9, 8, 7, 6, 5, 6, 4, 3, 2, 1 }, 8, EarlyStoppingReason.StoppingThreshold)]
    [InlineData(null, 15.9, new double[] { 9, 4, 2, 16, 32, 64 }, 3, EarlyStoppingReason.DivergenceThreshold)]
    public void test_early_stopping_thresholds(double? stoppingThreshold, double? divergenceThreshold, double[] losses, int expectedEpoch, EarlyStoppingReason reason)
    {
        var stopping = new EarlyStoppingCallback("abc", MonitorMode.Min, patience: 3, stoppingThreshold: stoppingThreshold, divergenceThreshold: divergenceThreshold);

        TrainResult result = Fit(new ParityModule().ValidationScript("abc", losses), 20, stopping);

        Assert.Equal(expectedEpoch, result.EpochsCompleted - 1);
        Assert.Equal(reason, stopping.StoppingReason);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_early_stopping.py::test_early_stopping_on_non_finite_monitor
    [Theory]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NaN)]
    public void test_early_stopping_on_non_finite_monitor(double stopValue)
    {
        var stopping = new EarlyStoppingCallback("val_loss", MonitorMode.Min, patience: 3, checkFinite: true);
        var model = new ParityModule { ValidationLoss = epoch => new[] { 4, 3, stopValue, 2, 1 }[epoch] };

        TrainResult result = Fit(model, 10, stopping);

        Assert.Equal(2, result.EpochsCompleted - 1);
        Assert.Equal(2, stopping.StoppedEpoch);
        Assert.Equal(EarlyStoppingReason.NonFiniteMetric, stopping.StoppingReason);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_early_stopping.py::test_min_epochs_min_steps_global_step
    [Theory]
    [InlineData(3, 0, 10, 10)]
    [InlineData(5, 0, 10, 10)]
    [InlineData(3, 2, 0, 6)]
    [InlineData(5, 2, 0, 10)]
    [InlineData(3, 1, 10, 10)]
    [InlineData(5, 1, 10, 10)]
    [InlineData(3, 3, 10, 10)]
    [InlineData(5, 3, 10, 15)]
    public void test_min_epochs_min_steps_global_step(int limitTrainBatches, int minEpochs, int minSteps, int stopStep)
    {
        // Lightning mocks the criteria to "stop" at every check; so does this callback.
        int checks = 0;
        var alwaysStop = new LambdaCallback { OnTrainEpochEnd = (context, _, _) => { checks++; context.RequestStop("stop"); } };
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 1000, MinEpochs = minEpochs, MinSteps = minSteps }, new CallbackCollection { alwaysStop });

        TrainResult result = trainer.Fit(new ParityModule(), Batches(limitTrainBatches));

        int expectedEpochs = Math.Max((int)Math.Ceiling((double)minSteps / limitTrainBatches), minEpochs);
        Assert.Equal(TrainEndReason.Stopped, result.Reason);
        Assert.Equal(Math.Max(expectedEpochs, 1), checks);
        Assert.Equal(stopStep == 0 ? limitTrainBatches : stopStep, result.GlobalStep);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_early_stopping.py::test_early_stopping_mode_options
    [Fact]
    public void test_early_stopping_mode_options()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStoppingCallback("foo", (MonitorMode)42));

        Assert.Equal("mode", error.ParamName);
        Assert.Contains("it was 42", error.Message, StringComparison.Ordinal);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_early_stopping.py::test_multiple_early_stopping_callbacks
    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void test_multiple_early_stopping_callbacks(bool onTrainEpochEnd, bool reversed)
    {
        double[] losses = { 8, 4, 2, 3, 4, 5, 8, 10 };
        var model = new ParityModule();
        if (onTrainEpochEnd)
        {
            model.TrainingScript("abc", losses).TrainingScript("cba", 0);
        }
        else
        {
            model.ValidationScript("abc", losses).ValidationScript("cba", 0);
        }

        ICallback abc = new EarlyStoppingCallback("abc", MonitorMode.Min, patience: 3);
        ICallback cba = new EarlyStoppingCallback("cba", MonitorMode.Min, patience: 3);

        TrainResult result = Fit(model, 20, reversed ? new[] { cba, abc } : new[] { abc, cba });

        // cba never improves after epoch 0 and stops at 3 first: any stop request stops the run.
        Assert.Equal(3, result.EpochsCompleted - 1);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_early_stopping.py::test_check_on_train_epoch_end_smart_handling
    [Fact]
    public void test_check_on_train_epoch_end_smart_handling_check_val_every_n_epoch()
    {
        var stopper = new EarlyStoppingCallback("foo", MonitorMode.Min, patience: 1);
        ParityModule model = new ParityModule().ValidationScript("foo", 1);

        TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = 5, ValidateEveryNEpochs = 2 }, new CallbackCollection { stopper }).Fit(model, Batches(2), Batches(1));

        // Checked only after validation (epochs 2 and 4): the second check stops, at epoch 2 * 2.
        Assert.Equal(2 * 2, result.EpochsCompleted);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_early_stopping.py::test_check_on_train_epoch_end_smart_handling
    [Fact]
    public void test_check_on_train_epoch_end_smart_handling_val_check_interval()
    {
        var stopper = new EarlyStoppingCallback("foo", MonitorMode.Min, patience: 1);
        ParityModule model = new ParityModule().ValidationScript("foo", 1);

        TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = 10, ValidateEveryNSteps = 3 }, new CallbackCollection { stopper }).Fit(model, Batches(10), Batches(1));

        // Deliberate difference: validation runs every 3 steps, but early stopping checks at epoch
        // ends (patience counts epochs), so the second check stops after 2 epochs of 10 steps
        // (Lightning checks after each validation and stops after 2 * 3 steps).
        Assert.Equal(20, result.GlobalStep);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_early_stopping.py::test_early_stopping_reasons
    [Theory]
    [InlineData(new double[] { 10, 10, 10, 10 }, null, null, false, 2, EarlyStoppingReason.PatienceExhausted, "did not improve", true)]
    [InlineData(new double[] { 5, 3, 1, 0.5, 0.1 }, 0.6, null, false, 3, EarlyStoppingReason.StoppingThreshold, "stopping threshold reached", true)]
    [InlineData(new double[] { 1, 2, 5, 10, 15 }, null, 8.0, false, 3, EarlyStoppingReason.DivergenceThreshold, "divergence threshold reached", true)]
    [InlineData(new double[] { 1, 0.5, double.NaN }, null, null, true, 3, EarlyStoppingReason.NonFiniteMetric, "is not finite", true)]
    [InlineData(new double[] { 5, 4, 3, 2, 1 }, null, null, false, 3, EarlyStoppingReason.NotStopped, null, false)]
    public void test_early_stopping_reasons(double[] losses, double? stopping, double? divergence, bool checkFinite, int patience, EarlyStoppingReason expected, string? message, bool shouldStop)
    {
        var stopper = new EarlyStoppingCallback("val_loss", MonitorMode.Min, patience: patience, stoppingThreshold: stopping, divergenceThreshold: divergence, checkFinite: checkFinite);
        var model = new ParityModule { ValidationLoss = epoch => losses[Math.Min(epoch, losses.Length - 1)] };

        Fit(model, shouldStop ? 10 : 3, stopper);

        Assert.Equal(expected, stopper.StoppingReason);
        if (message is null)
        {
            Assert.Null(stopper.StoppingReasonMessage);
        }
        else
        {
            Assert.Contains(message, stopper.StoppingReasonMessage, StringComparison.Ordinal);
        }

        Assert.Equal(shouldStop, stopper.StoppedEpoch > 0);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_early_stopping.py::test_early_stopping_reasons (state persistence and an old state without the reason)
    [Fact]
    public void test_early_stopping_reasons_state()
    {
        var stopper = new EarlyStoppingCallback("val_loss", MonitorMode.Min, patience: 3);
        var harness = new Testing.CallbackTestHarness(stopper);
        harness.TrainStart();
        harness.TrainEpochEnd(0, ("val_loss", 1));
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            harness.TrainEpochEnd(epoch, ("val_loss", 2));
        }

        var restored = new EarlyStoppingCallback("val_loss", MonitorMode.Min, patience: 3);
        new Testing.CallbackTestHarness(restored).LoadState(harness.SaveState());
        Assert.Equal(EarlyStoppingReason.PatienceExhausted, restored.StoppingReason);
        Assert.Equal(stopper.StoppingReasonMessage, restored.StoppingReasonMessage);

        // A state written before the reason existed loads as "not stopped".
        var old = new CallbackStateWriter();
        CallbackStateWriter section = old.Section(stopper.StateKey);
        section.Write("_wait", 2);
        section.Write("_stoppedEpoch", 5);
        section.Write("_best", 0.5);
        var legacy = new EarlyStoppingCallback("val_loss", MonitorMode.Min, patience: 3);
        new Testing.CallbackTestHarness(legacy).LoadState(old);
        Assert.Equal(EarlyStoppingReason.NotStopped, legacy.StoppingReason);
        Assert.Null(legacy.StoppingReasonMessage);
        Assert.Equal(2, legacy.Wait);
        Assert.Equal(5, legacy.StoppedEpoch);
    }
}
