using System;
using System.IO;
using DreamTrainer.Testing;
using Xunit;

namespace DreamTrainer.Tests.Parity;

/// <summary>
/// keras-team/keras, keras/src/callbacks/reduce_lr_on_plateau_test.py (ReduceLROnPlateauTest).
/// Ported: test_reduces_lr_with_model_fit, test_verbose_logging, test_honors_min_lr,
/// test_cooldown, test_state_reset_across_fit_calls. Not applicable:
/// test_throws_when_optimizer_has_schedule — the learning-rate seam has no optimizer-owned
/// schedule objects to refuse (a schedule here is a callback).
/// </summary>
public class KerasReduceLROnPlateauTests
{
    /// <summary>Keras' setUp: Adam(0.1); every epoch's val_loss is within 100 of the last, so min_delta=100 never sees an improvement after the first.</summary>
    private static ParityModule Model() => new ParityModule(0.1) { ValidationLoss = epoch => 1.0 / (epoch + 1) };

    private static void Fit(ParityModule module, ReduceLROnPlateau reduceLr, int epochs) =>
        new Trainer(new TrainerOptions { MaxEpochs = epochs }, new CallbackCollection { reduceLr }).Fit(module, new[] { 1, 2 }, new[] { 1 });

    // keras-team/keras keras/src/callbacks/reduce_lr_on_plateau_test.py::ReduceLROnPlateauTest::test_reduces_lr_with_model_fit
    [Fact]
    public void test_reduces_lr_with_model_fit()
    {
        ParityModule module = Model();

        Fit(module, new ReduceLROnPlateau(patience: 1, factor: 0.1, monitor: "val_loss", minDelta: 100), epochs: 2);

        Assert.Equal(0.01, module.Rates[0], 12);
    }

    // keras-team/keras keras/src/callbacks/reduce_lr_on_plateau_test.py::ReduceLROnPlateauTest::test_verbose_logging
    [Fact]
    public void test_verbose_logging()
    {
        var output = new StringWriter();

        Fit(Model(), new ReduceLROnPlateau(patience: 1, factor: 0.1, monitor: "val_loss", minDelta: 100, output: output), epochs: 2);

        Assert.Contains("ReduceLROnPlateau reducing learning rate to 0.01", output.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("Epoch 2: ", output.ToString(), StringComparison.Ordinal);
    }

    // keras-team/keras keras/src/callbacks/reduce_lr_on_plateau_test.py::ReduceLROnPlateauTest::test_honors_min_lr
    [Fact]
    public void test_honors_min_lr()
    {
        ParityModule module = Model();

        Fit(module, new ReduceLROnPlateau(patience: 1, factor: 0.1, monitor: "val_loss", minDelta: 10, minLearningRate: 0.005), epochs: 4);

        Assert.Equal(0.005, module.Rates[0], 12);
    }

    // keras-team/keras keras/src/callbacks/reduce_lr_on_plateau_test.py::ReduceLROnPlateauTest::test_cooldown
    [Fact]
    public void test_cooldown()
    {
        ParityModule module = Model();

        Fit(module, new ReduceLROnPlateau(patience: 1, factor: 0.1, monitor: "val_loss", minDelta: 100, cooldown: 2), epochs: 4);

        // With a cooldown of 2 epochs the rate is reduced every other epoch: twice in 4 epochs.
        Assert.Equal(0.001, module.Rates[0], 12);
    }

    // keras-team/keras keras/src/callbacks/reduce_lr_on_plateau_test.py::ReduceLROnPlateauTest::test_state_reset_across_fit_calls
    [Fact]
    public void test_state_reset_across_fit_calls()
    {
        var reduceLr = new ReduceLROnPlateau(patience: 1, factor: 0.1, monitor: "loss", minDelta: 0, cooldown: 2);
        var harness = new CallbackTestHarness(reduceLr);
        harness.TrainStart();
        harness.TrainEpochEnd(0, ("loss", 0.5));
        harness.TrainEpochEnd(1, ("loss", 0.6));
        Assert.Equal(0.5, reduceLr.Best);
        Assert.Equal(2, reduceLr.CooldownCounter);

        harness.TrainStart();

        Assert.Null(reduceLr.Best);
        Assert.Equal(0, reduceLr.Wait);
        Assert.Equal(0, reduceLr.CooldownCounter);
    }
}
