using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace DreamTrainer.Tests.Parity;

/// <summary>The second half of test_model_checkpoint.py: exceptions, scores, versions, resume and last files.</summary>
public partial class LightningModelCheckpointTests
{
    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_model_checkpoint_on_exception_run_condition_on_train_batch_start
    [Fact]
    public void test_model_checkpoint_on_exception_run_condition_on_train_batch_start()
    {
        var troubled = new LambdaCallback { OnTrainBatchStart = (context, _, _) => { if (context.GlobalStep == 1) { throw new InvalidOperationException("Trouble!"); } } };

        Assert.Throws<CallbackException>(() => Fit(new CheckpointCallback(Root, monitor: null, saveLast: false, everyNTrainSteps: 1, saveOnException: true, fileNameTemplate: "already_saved"), others: troubled));

        // Saved at step 1, so the failure at step 1 writes nothing more.
        Assert.Equal(new[] { "already_saved.ckpt" }, Checkpoints(Root));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_model_checkpoint_on_exception_parametrized
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void test_model_checkpoint_on_exception_parametrized(bool inTrainingStep)
    {
        ParityModule model = LogInTwoMethods();
        Action<TrainerContext> trouble = c => { if (c.BatchIndex == 1) { throw new InvalidOperationException("Trouble!"); } };
        model.OnTrainingStep = inTrainingStep ? trouble : null;
        model.OnValidationStep = inTrainingStep ? null : trouble;

        var error = Assert.Throws<InvalidOperationException>(() => Fit(new CheckpointCallback(Root, monitor: null, saveLast: false, everyNEpochs: 7, saveOnException: true, fileNameTemplate: "exception"), epochs: 4, validationBatches: 2, model: model));

        Assert.Equal("Trouble!", error.Message);
        var restored = new ParityModule();
        CheckpointFile.Read(Path.Combine(Root, "exception.ckpt")).LoadModelInto(restored);
        Assert.Equal(0, restored.Weight);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_model_checkpoint_on_exception_in_other_callbacks
    [Theory]
    [InlineData(Hook.TrainBatchStart, true)]
    [InlineData(Hook.TrainBatchEnd, true)]
    [InlineData(Hook.TrainEpochStart, true)]
    [InlineData(Hook.TrainEpochEnd, true)]
    [InlineData(Hook.ValidationEpochStart, true)]
    [InlineData(Hook.ValidationEpochEnd, true)]
    [InlineData(Hook.ValidationBatchStart, true)]
    [InlineData(Hook.ValidationBatchEnd, true)]
    [InlineData(Hook.ValidationStart, true)]
    [InlineData(Hook.ValidationEnd, true)]
    [InlineData(Hook.TrainEnd, false)]
    public void test_model_checkpoint_on_exception_in_other_callbacks(Hook hook, bool saved)
    {
        var troubled = new ProbeCallback(new List<string>(), "troubled", hooks: (HookMask)(1 << (int)hook)) { ThrowIn = hook };

        Assert.ThrowsAny<Exception>(() => Fit(new CheckpointCallback(Root, monitor: null, saveLast: false, everyNEpochs: 7, saveOnException: true, fileNameTemplate: "exception"), epochs: 4, others: troubled));

        // Deliberate difference for OnTrainEnd: its failures come after OnException, so nothing is saved for them.
        Assert.Equal(saved, File.Exists(Path.Combine(Root, "exception.ckpt")));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_checkpoint_repeated_strategy
    [Fact]
    public void test_checkpoint_repeated_strategy()
    {
        var checkpoint = new CheckpointCallback(Root, "val_loss", MonitorMode.Min, saveLast: false, fileNameTemplate: "epoch={epoch:D2}");
        Fit(checkpoint, epochs: 1);
        Assert.Equal(new[] { "epoch=01.ckpt" }, Checkpoints(Root));

        for (int i = 0; i < 4; i++)
        {
            var again = new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection());

            // As Lightning, the finished run trains nothing; here the checkpoint records that its run
            // completed, so the resume ends at once with that reason and says so in a warning.
            TrainResult result = again.Resume(checkpoint.BestPath!, LogInTwoMethods(), Batches(2));
            Assert.Equal(TrainEndReason.Completed, result.Reason);
            Assert.Empty(result.History);
            Assert.Contains(again.Context!.Warnings, w => w.Contains("ended (Completed) after epoch 1", StringComparison.Ordinal));
            Assert.Equal(new[] { "epoch=01.ckpt" }, Checkpoints(Root));
        }
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_checkpoint_repeated_strategy_extended
    [Fact]
    public void test_checkpoint_repeated_strategy_extended()
    {
        var checkpoint = new CheckpointCallback(Root, "val_loss", MonitorMode.Min, saveTopK: -1, saveLast: false);
        TrainResult result = Fit(checkpoint, epochs: 2, batches: 2, validationBatches: 3);
        Assert.Equal(4, result.GlobalStep);
        string last = Path.Combine(Root, Checkpoints(Root)[^1]);
        CheckpointFile chk = CheckpointFile.Read(last);
        Assert.Equal(2, chk.EpochsCompleted);
        Assert.Equal(4, chk.GlobalStep);

        // As above: the completed run ends at once (Lightning trains nothing); the files stay as they were.
        Assert.Equal(TrainEndReason.Completed, new Trainer(new TrainerOptions { MaxEpochs = 2 }).Resume(last, LogInTwoMethods(), Batches(2)).Reason);
        Assert.Equal(2, Checkpoints(Root).Length);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_val_check_interval_checkpoint_files
    [Fact]
    public void test_val_check_interval_checkpoint_files()
    {
        Fit(new CheckpointCallback(Root, "val_acc", MonitorMode.Max, saveTopK: -1, saveLast: false), epochs: 1, batches: 10, options: new TrainerOptions { ValidateEveryNSteps = 2 });

        // Deliberate difference: one save at the epoch end (Lightning saves after each of the 5 validations).
        Assert.Equal(new[] { "epoch=1-step=10.ckpt" }, Checkpoints(Root));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_current_score
    [Fact]
    public void test_current_score()
    {
        var checkpoint = new CheckpointCallback(Root, "foo", MonitorMode.Min, saveTopK: 3, saveLast: false);

        Fit(checkpoint, epochs: 3, batches: 1, model: new ParityModule().LogInTraining("foo", c => (c.Epoch + 1) / 10.0));

        Assert.Equal(0.3, checkpoint.CurrentScore);
        double[] scores = Directory.GetFiles(Root, "*.ckpt").Select(f => CheckpointFile.Read(f).CallbackStates[checkpoint.StateKey]!["current_score"]!.GetValue<double>()).Order().ToArray();
        Assert.Equal(new[] { 0.1, 0.2, 0.3 }, scores);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_current_score_when_nan
    [Theory]
    [InlineData(MonitorMode.Min, double.PositiveInfinity)]
    [InlineData(MonitorMode.Max, double.NegativeInfinity)]
    public void test_current_score_when_nan(MonitorMode mode, double expected)
    {
        var checkpoint = new CheckpointCallback(Root, "foo", mode, saveTopK: 1, saveLast: false);

        Fit(checkpoint, epochs: 1, batches: 1, model: new ParityModule().LogInTraining("foo", _ => double.NaN));

        Assert.Equal(expected, checkpoint.Kept[0].Score);
        Assert.Equal(expected, checkpoint.CurrentScore);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_ckpt_version_after_rerun_new_trainer
    [Fact]
    public void test_ckpt_version_after_rerun_new_trainer()
    {
        for (int run = 0; run < 2; run++)
        {
            var checkpoint = new CheckpointCallback(Root, "epoch", MonitorMode.Max, saveTopK: -1, saveLast: false, fileNameTemplate: "epoch={epoch}");
            Fit(checkpoint, epochs: 2, batches: 1);

            string[] expected = run == 0 ? new[] { "epoch=1.ckpt", "epoch=2.ckpt" } : new[] { "epoch=1-v1.ckpt", "epoch=2-v1.ckpt" };
            Assert.Equal(expected, checkpoint.Kept.Select(k => Path.GetFileName(k.Path)).Order(StringComparer.Ordinal));
        }

        Assert.Equal(new[] { "epoch=1-v1.ckpt", "epoch=1.ckpt", "epoch=2-v1.ckpt", "epoch=2.ckpt" }, Checkpoints(Root));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_ckpt_version_after_rerun_same_trainer
    [Fact]
    public void test_ckpt_version_after_rerun_same_trainer()
    {
        var checkpoint = new CheckpointCallback(Root, "epoch", MonitorMode.Max, saveTopK: -1, saveLast: false, fileNameTemplate: "test");
        Fit(checkpoint, epochs: 2, batches: 1);
        Assert.Equal(new[] { "test-v1.ckpt", "test.ckpt" }, Checkpoints(Root));

        // Deliberate difference: a second Fit trains from the first epoch again (Lightning's loop
        // continues from epoch 2), so it saves 4 more files with the next versions; the kept list
        // carries over, as Lightning's. STARTING_VERSION has no counterpart.
        Fit(checkpoint, epochs: 4, batches: 1);

        string[] expected = { "test-v1.ckpt", "test-v2.ckpt", "test-v3.ckpt", "test-v4.ckpt", "test-v5.ckpt", "test.ckpt" };
        Assert.Equal(expected, checkpoint.Kept.Select(k => Path.GetFileName(k.Path)).Order(StringComparer.Ordinal));
        Assert.Equal(expected, Checkpoints(Root));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_ckpt_version_counter_disabled_after_rerun_new_trainer
    [Fact]
    public void test_ckpt_version_counter_disabled_after_rerun_new_trainer()
    {
        for (int run = 0; run < 2; run++)
        {
            var checkpoint = new CheckpointCallback(Root, "epoch", MonitorMode.Max, saveTopK: -1, saveLast: true, fileNameTemplate: "epoch={epoch}", enableVersionCounter: false);
            Fit(checkpoint, epochs: 2, batches: 1);

            Assert.Equal(new[] { "epoch=1.ckpt", "epoch=2.ckpt" }, checkpoint.Kept.Select(k => Path.GetFileName(k.Path)).Order(StringComparer.Ordinal));
            Assert.Equal(Path.Combine(Root, "last.ckpt"), checkpoint.LastPath);
        }

        Assert.Equal(new[] { "epoch=1.ckpt", "epoch=2.ckpt", "last.ckpt" }, Checkpoints(Root));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_model_checkpoint_mode_options
    [Fact]
    public void test_model_checkpoint_mode_options()
    {
        Assert.Equal("mode", Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointCallback(Root, mode: (MonitorMode)9)).ParamName);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_check_val_every_n_epochs_top_k_integration
    [Fact]
    public void test_check_val_every_n_epochs_top_k_integration()
    {
        Fit(new CheckpointCallback(Root, "epoch", MonitorMode.Max, saveTopK: -1, saveLast: false, fileNameTemplate: "epoch={epoch}"), epochs: 5, batches: 1, options: new TrainerOptions { ValidateEveryNEpochs = 2 });

        // Deliberate difference: a monitor present every epoch is saved every epoch (Lightning saves after validation only: epochs 2 and 4).
        Assert.Equal(5, Checkpoints(Root).Length);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_model_checkpoint_saveload_ckpt
    [Fact]
    public void test_model_checkpoint_saveload_ckpt()
    {
        string folder = Path.Combine(Root, "first");
        var written = new CheckpointCallback(folder, "val_loss", MonitorMode.Min, saveTopK: -1, saveLast: true);
        Fit(written);
        var harness = new Testing.CallbackTestHarness(written);
        CallbackStateWriter state = harness.SaveState();

        var restored = new CheckpointCallback(folder, "val_loss", MonitorMode.Min, saveTopK: -1, saveLast: true);
        new Testing.CallbackTestHarness(restored).LoadState(state);
        Assert.Equal(written.BestPath, restored.BestPath);
        Assert.Equal(written.Kept, restored.Kept);
        Assert.Equal(written.LastPath, restored.LastPath);
        Assert.Equal(written.CurrentScore, restored.CurrentScore);

        // Another folder is another state key: nothing is restored, and the run says so (Lightning keeps best_model_path only).
        var elsewhere = new CheckpointCallback(Path.Combine(Root, "restore"), "val_loss", MonitorMode.Min, saveTopK: -1);
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 3 }, new CallbackCollection { elsewhere });
        trainer.Resume(written.LastPath!, LogInTwoMethods(), Batches(2), Batches(1));
        Assert.Contains(trainer.Context!.Warnings, w => w.Contains(written.StateKey, StringComparison.Ordinal));
        Assert.Single(elsewhere.Kept);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_resume_training_preserves_old_ckpt_last
    [Fact]
    public void test_resume_training_preserves_old_ckpt_last()
    {
        string first = Path.Combine(Root, "checkpoints");
        CheckpointCallback Make(string folder) => new(folder, "step", MonitorMode.Max, saveTopK: 2, saveLast: true, everyNTrainSteps: 1, fileNameTemplate: "step={step}");
        Fit(Make(first), epochs: 1, batches: 3, validationBatches: 0);
        Assert.Equal(new[] { "last.ckpt", "step=2.ckpt", "step=3.ckpt" }, Checkpoints(first));

        new Trainer(new TrainerOptions { MaxEpochs = 2 }, new CallbackCollection { Make(Path.Combine(Root, "new")) }).Resume(Path.Combine(first, "step=2.ckpt"), LogInTwoMethods(), Batches(3));

        Assert.True(File.Exists(Path.Combine(first, "last.ckpt")));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_model_checkpoint_save_last
    // (the save_last="link" case: last.ckpt resolves to the newest top-k file). Deliberate difference:
    // last.ckpt is its own file, not a link, holding the newest top-k file's state taken once —
    // the same entries, byte for byte, savedAt included.
    [Fact]
    public void test_model_checkpoint_save_last_as_link()
    {
        var checkpoint = new CheckpointCallback(Root, "early_stop_on", MonitorMode.Min, saveTopK: -1, saveLast: true);

        Fit(checkpoint, epochs: 3, batches: 10, validationBatches: 10);

        Assert.Equal(new[] { "epoch=1-step=10.ckpt", "epoch=2-step=20.ckpt", "epoch=3-step=30.ckpt", "last.ckpt" }, Checkpoints(Root));
        Assert.Null(new FileInfo(checkpoint.LastPath!).LinkTarget);
        Assert.Equal(Entries(Path.Combine(Root, "epoch=3-step=30.ckpt")), Entries(checkpoint.LastPath!));
        Assert.NotEqual(Entries(Path.Combine(Root, "epoch=2-step=20.ckpt")), Entries(checkpoint.LastPath!));
    }

    private static Dictionary<string, string> Entries(string checkpoint)
    {
        using System.IO.Compression.ZipArchive archive = System.IO.Compression.ZipFile.OpenRead(checkpoint);
        return archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using Stream stream = e.Open();
            using var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            return Convert.ToBase64String(bytes.ToArray());
        });
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_save_last_saves_correct_last_model_path
    [Fact]
    public void test_save_last_saves_correct_last_model_path()
    {
        var checkpoint = new CheckpointCallback(Root, monitor: null, saveTopK: 0, saveLast: true);
        Fit(checkpoint, epochs: 1);

        Assert.Equal(new[] { "last.ckpt" }, Checkpoints(Root));
        Assert.Equal("last.ckpt", CheckpointFile.Read(checkpoint.LastPath!).CallbackStates[checkpoint.StateKey]!["last_file"]!.GetValue<string>());
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_save_last_versioning
    [Fact]
    public void test_save_last_versioning()
    {
        for (int run = 0; run < 2; run++)
        {
            Fit(new CheckpointCallback(Root, monitor: null, saveTopK: 0, saveLast: true), batches: 1, validationBatches: 0);
        }

        Assert.Equal(new[] { "last-v1.ckpt", "last.ckpt" }, Checkpoints(Root));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_none_monitor_saves_correct_best_model_path
    [Fact]
    public void test_none_monitor_saves_correct_best_model_path()
    {
        var checkpoint = new CheckpointCallback(Root, monitor: null, saveLast: false);
        Fit(checkpoint, epochs: 1);

        Assert.Equal(new[] { "epoch=1-step=2.ckpt" }, Checkpoints(Root));
        Assert.Equal("epoch=1-step=2.ckpt", CheckpointFile.Read(checkpoint.BestPath!).CallbackStates[checkpoint.StateKey]!["kept_0_file"]!.GetValue<string>());
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_last_global_step_saved
    [Fact]
    public void test_last_global_step_saved()
    {
        int saves = 0;
        Fit(new CheckpointCallback(Root, "foo", saveTopK: 0, saveLast: false), others: SaveCounter(() => saves++));

        Assert.Equal(0, saves);
        Assert.Empty(Checkpoints(Root));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_save_last_every_n_epochs_interaction
    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void test_save_last_every_n_epochs_interaction(int everyNEpochs)
    {
        int saves = 0;
        var checkpoint = new CheckpointCallback(Root, monitor: null, saveTopK: 0, saveLast: true, everyNEpochs: everyNEpochs);

        Fit(checkpoint, batches: 1, validationBatches: 0, others: SaveCounter(() => saves++));

        // Deliberate difference: last.ckpt is written at every epoch end, whatever everyNEpochs
        // says (Lightning writes it once here, at the end: max_epochs - 1 saves).
        Assert.NotNull(checkpoint.LastPath);
        Assert.Equal(2, saves);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_resume_and_old_checkpoint_files_remain
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void test_resume_and_old_checkpoint_files_remain(bool sameResumeFolder)
    {
        string first = Path.Combine(Root, "first"), second = Path.Combine(Root, "second");
        CheckpointCallback Make(string folder) => new(folder, "step", MonitorMode.Max, saveTopK: 2, saveLast: false, everyNTrainSteps: 2);
        new Trainer(new TrainerOptions { MaxSteps = 5 }, new CallbackCollection { Make(first) }).Fit(LogInTwoMethods(), Batches(10));
        Assert.Equal(new[] { "epoch=1-step=2.ckpt", "epoch=1-step=4.ckpt" }, Checkpoints(first));

        new Trainer(new TrainerOptions { MaxSteps = 8 }, new CallbackCollection { Make(sameResumeFolder ? first : second) })
            .Resume(Path.Combine(first, "epoch=1-step=4.ckpt"), LogInTwoMethods(), Batches(10));

        if (sameResumeFolder)
        {
            // Deliberate difference: Lightning never deletes the checkpoint it resumed from; here it
            // leaves the top 2 like any other, so the folder holds what an uninterrupted run's does.
            Assert.Equal(new[] { "epoch=1-step=6.ckpt", "epoch=1-step=8.ckpt" }, Checkpoints(first));
        }
        else
        {
            Assert.Equal(new[] { "epoch=1-step=2.ckpt", "epoch=1-step=4.ckpt" }, Checkpoints(first));
            Assert.Equal(new[] { "epoch=1-step=6.ckpt", "epoch=1-step=8.ckpt" }, Checkpoints(second));
        }
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_expand_home
    [Fact]
    public void test_expand_home()
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        Assert.Equal(Path.Combine(home, "checkpoints"), new CheckpointCallback("~/checkpoints").Directory);
        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "~", "checkpoints"), new CheckpointCallback("./~/checkpoints").Directory);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_load_with_inf_data_loader
    [Fact]
    public void test_load_with_inf_data_loader()
    {
        static IEnumerable<int> Endless()
        {
            for (int i = 0; ; i++)
            {
                yield return i;
            }
        }

        CheckpointCallback Make() => new(Root, monitor: null, saveLast: true, everyNTrainSteps: 1);
        var options = new TrainerOptions { MaxEpochs = 2, LimitTrainBatches = 2 };
        new Trainer(options, new CallbackCollection { Make() }).Fit(LogInTwoMethods(), Endless(), Endless().Take(10));
        Assert.Contains("epoch=2-step=4.ckpt", Checkpoints(Root));

        options.MaxEpochs = 4;
        TrainResult resumed = new Trainer(options, new CallbackCollection { Make() }).Resume(Path.Combine(Root, "epoch=2-step=4.ckpt"), LogInTwoMethods(), Endless(), Endless().Take(10));

        // Lightning's assertion is that this resume runs at all with data of unknown length.
        Assert.Equal(TrainEndReason.Completed, resumed.Reason);
        Assert.Equal(4, resumed.EpochsCompleted);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_save_last_without_save_on_train_epoch_and_without_val
    [Fact]
    public void test_save_last_without_save_on_train_epoch_and_without_val()
    {
        Fit(new CheckpointCallback(Root, monitor: null, saveLast: true), validationBatches: 0);

        Assert.True(File.Exists(Path.Combine(Root, "last.ckpt")));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_save_last_only_when_checkpoint_saved
    [Fact]
    public void test_save_last_only_when_checkpoint_saved()
    {
        var model = new ParityModule { ValidationLoss = epoch => epoch % 2 == 0 ? 1.0 - (epoch * 0.1) : 1.0 + (epoch * 0.1) };

        Fit(new CheckpointCallback(Root, "val_loss", MonitorMode.Min, saveTopK: 1, saveLast: true, fileNameTemplate: "best-{epoch}-{val_loss:F2}"), epochs: 4, validationBatches: 2, model: model);

        string[] files = Checkpoints(Root);
        Assert.Contains("last.ckpt", files);
        Assert.Equal(2, files.Length);
    }
}
