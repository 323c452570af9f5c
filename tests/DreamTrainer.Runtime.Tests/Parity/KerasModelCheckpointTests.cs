using System;
using System.Collections.Generic;
using System.IO;
using Xunit;

namespace DreamTrainer.Tests.Parity;

/// <summary>
/// keras-team/keras, keras/src/callbacks/model_checkpoint_test.py (ModelCheckpointTest): both
/// tests, ported case by case. Keras' <c>save_best_only</c> is <c>saveTopK: 1</c>, saving every
/// epoch is <c>saveTopK: -1</c>, <c>save_freq=N</c> is <c>everyNTrainSteps: N</c>, a fixed file
/// path is a template without placeholders with <c>enableVersionCounter: false</c> (overwrite).
/// Deliberate differences (README): case 5 (a metric that never appears fails the run instead of
/// warning and saving anyway), case 6 (an undefined mode is rejected at construction instead of a
/// warning and a fall-back to auto), cases 8b and 10b (weights-only files: a checkpoint always
/// holds the model and the run's state).
/// </summary>
public class KerasModelCheckpointTests : ParityFolder
{
    private static readonly Dictionary<string, MonitorMode> Directions = new() { ["acc"] = MonitorMode.Max, ["auc"] = MonitorMode.Max };

    /// <summary>30 samples in batches of 5 (6 steps an epoch), acc and auc logged in validation.</summary>
    private static ParityModule Model() =>
        new ParityModule { MetricDirections = Directions, ValidationLoss = epoch => 0.5 + epoch }
            .LogInValidation("val_acc", _ => 0.4, MetricReduction.Mean)
            .LogInValidation("val_auc", _ => 0.7, MetricReduction.Mean);

    private static void Fit(CheckpointCallback callback, int epochs = 1, int batches = 6) =>
        new Trainer(new TrainerOptions { MaxEpochs = epochs }, new CallbackCollection { callback }).Fit(Model(), Batches(batches), Batches(2));

    private CheckpointCallback Fixed(string monitor, MonitorMode mode, bool bestOnly, double? threshold = null) =>
        new(Path.Combine(Root, "subdir"), monitor, mode, saveTopK: bestOnly ? 1 : -1, saveLast: false, fileNameTemplate: "checkpoint", initialValueThreshold: threshold, enableVersionCounter: false);

    private string FixedFile => Path.Combine(Root, "subdir", "checkpoint.ckpt");

    // keras-team/keras keras/src/callbacks/model_checkpoint_test.py::ModelCheckpointTest::test_model_checkpoint_options (cases 1-4: modes, monitors, save_best_only; the folder is created)
    [Theory]
    [InlineData("val_loss", MonitorMode.Auto, false)]
    [InlineData("val_loss", MonitorMode.Min, false)]
    [InlineData("val_acc", MonitorMode.Max, false)]
    [InlineData("val_acc", MonitorMode.Max, true)]
    public void test_model_checkpoint_options_cases_1_to_4(string monitor, MonitorMode mode, bool bestOnly)
    {
        Fit(Fixed(monitor, mode, bestOnly));

        Assert.True(File.Exists(FixedFile));
    }

    // keras-team/keras keras/src/callbacks/model_checkpoint_test.py::ModelCheckpointTest::test_model_checkpoint_options (case 5: metric not available)
    [Fact]
    public void test_model_checkpoint_options_case_5_metric_not_available()
    {
        var error = Assert.Throws<CallbackException>(() => Fit(Fixed("unknown", MonitorMode.Min, bestOnly: true)));

        // Deliberate difference: the run fails naming the metric and those that exist (Keras warns and saves anyway).
        Assert.Contains("'unknown'", error.InnerException!.Message, StringComparison.Ordinal);
        Assert.Contains("val_acc", error.InnerException.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(FixedFile));
    }

    // keras-team/keras keras/src/callbacks/model_checkpoint_test.py::ModelCheckpointTest::test_model_checkpoint_options (case 6: unknown mode)
    [Fact]
    public void test_model_checkpoint_options_case_6_unknown_mode()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointCallback(Root, mode: (MonitorMode)7));

        // Deliberate difference: rejected at construction (Keras warns and falls back to auto).
        Assert.Equal("mode", error.ParamName);
        Assert.Contains("it was 7", error.Message, StringComparison.Ordinal);
    }

    // keras-team/keras keras/src/callbacks/model_checkpoint_test.py::ModelCheckpointTest::test_model_checkpoint_options (case 8a: integer save_freq)
    [Fact]
    public void test_model_checkpoint_options_case_8a_save_freq()
    {
        // 5 batches an epoch and a save every 15 steps: the end of epochs 3, 6 and 9.
        Fit(new CheckpointCallback(Root, monitor: null, saveTopK: -1, saveLast: false, everyNTrainSteps: 15, fileNameTemplate: "checkpoint.epoch{epoch:D2}"), epochs: 10, batches: 5);

        Assert.Equal(new[] { "checkpoint.epoch03.ckpt", "checkpoint.epoch06.ckpt", "checkpoint.epoch09.ckpt" }, Checkpoints(Root));
    }

    // keras-team/keras keras/src/callbacks/model_checkpoint_test.py::ModelCheckpointTest::test_model_checkpoint_options (case 9: invalid save_freq)
    [Fact]
    public void test_model_checkpoint_options_case_9_invalid_save_freq()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointCallback(Root, everyNTrainSteps: -3));
        Assert.Equal("everyNTrainSteps", error.ParamName);

        Assert.Equal(1, new CheckpointCallback(Root).EveryNEpochs);
        Assert.Equal(3, new CheckpointCallback(Root, everyNTrainSteps: 3).EveryNTrainSteps);
    }

    // keras-team/keras keras/src/callbacks/model_checkpoint_test.py::ModelCheckpointTest::test_model_checkpoint_options (case 10a: batch in the file name)
    [Fact]
    public void test_model_checkpoint_options_case_10a_batch_in_file_name()
    {
        // 30 samples in batches of 15: 2 batches an epoch, a save after each.
        Fit(new CheckpointCallback(Root, monitor: null, saveTopK: -1, saveLast: false, everyNTrainSteps: 1, fileNameTemplate: "checkpoint.epoch{epoch:D2}batch{batch:D2}"), epochs: 5, batches: 2);

        var expected = new List<string>();
        for (int epoch = 1; epoch <= 5; epoch++)
        {
            expected.Add($"checkpoint.epoch{epoch:D2}batch01.ckpt");
            expected.Add($"checkpoint.epoch{epoch:D2}batch02.ckpt");
        }

        Assert.Equal(expected, Checkpoints(Root));
    }

    // keras-team/keras keras/src/callbacks/model_checkpoint_test.py::ModelCheckpointTest::test_model_checkpoint_options (cases 11-15: initial_value_threshold)
    [Theory]
    [InlineData("val_acc", MonitorMode.Max, -0.01, true)]
    [InlineData("val_loss", MonitorMode.Auto, null, true)]
    [InlineData("val_loss", MonitorMode.Min, 0.0, false)]
    [InlineData("val_loss", MonitorMode.Auto, 0.0, false)]
    [InlineData("val_auc", MonitorMode.Auto, 1.0, false)]
    public void test_model_checkpoint_options_cases_11_to_15_initial_value_threshold(string monitor, MonitorMode mode, double? threshold, bool saved)
    {
        Fit(Fixed(monitor, mode, bestOnly: true, threshold));

        Assert.Equal(saved, File.Exists(FixedFile));
    }

    // keras-team/keras keras/src/callbacks/model_checkpoint_test.py::ModelCheckpointTest::test_model_checkpoint_loading
    [Fact]
    public void test_model_checkpoint_loading()
    {
        var callback = new CheckpointCallback(Root, "val_loss", saveTopK: 1, fileNameTemplate: "checkpoint.model");
        var model = Model();
        new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection { callback }).Fit(model, Batches(6), Batches(2));

        var restored = new ParityModule();
        CheckpointFile.Read(callback.BestPath!).LoadModelInto(restored);

        Assert.Equal(model.Weight, restored.Weight);
        Assert.Equal(0, restored.Weight);
    }
}
