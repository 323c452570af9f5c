using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace DreamTrainer.Tests.Parity;

/// <summary>
/// Lightning-AI/pytorch-lightning, tests/tests_pytorch/checkpointing/test_model_checkpoint.py.
/// One suite in two files (this one and LightningModelCheckpointTests.Runs.cs) to stay under the
/// file-size limit. Lightning's ModelCheckpoint defaults to monitor None and no last file; the
/// ports pass <c>monitor</c> and <c>saveLast</c>. Names count epochs from 1 (<c>epoch=1</c> is
/// Lightning's <c>epoch=0</c>) and write their metric names out (no auto-insert): README
/// differences. Every test is ported except these, not applicable: test_model_checkpoint_path
/// (logger version folders), test_pickling, test_model_checkpoint_save_last_as_link_not_local,
/// test_model_checkpoint_link_checkpoint, test_model_checkpoint_link_checkpoint_relative_path
/// (save_last="link": links; what a link gives, last.ckpt holding the newest top-k file's state,
/// is ported as test_model_checkpoint_save_last_as_link), test_model_checkpoint_on_exception_run_condition_on_validation_start
/// (sanity checks), test_model_checkpoint_on_exception_fast_dev_run_on_train_batch_start
/// (fast_dev_run), test_configure_model_checkpoint (no implicit checkpoint callback),
/// test_hparams_type (hyper-parameters), test_train_epoch_end_ckpt_with_no_validation (an
/// internal decision function), test_find_last_checkpoints (ckpt_path="last" look-up),
/// test_save_last_cli (CLI parsing); the module hooks of test_model_checkpoint_on_exception_parametrized
/// beyond the two steps (backward, optimizer and zero-grad hooks are inside the engine's step).
/// </summary>
public partial class LightningModelCheckpointTests : ParityFolder
{
    /// <summary>Lightning's LogInTwoMethods: <c>early_stop_on</c> (the step loss) in training, <c>val_acc</c> = 1.23 in validation.</summary>
    private static ParityModule LogInTwoMethods() =>
        new ParityModule { ValidationLoss = epoch => 1.0 / (epoch + 2) }
            .LogInTraining("early_stop_on", c => 1.0 / (c.Epoch + 1))
            .LogInValidation("val_acc", _ => 1.23);

    private static TrainResult Fit(CheckpointCallback callback, int epochs = 2, int batches = 2, int validationBatches = 1, ParityModule? model = null, TrainerOptions? options = null, params ICallback[] others)
    {
        options ??= new TrainerOptions();
        options.MaxEpochs = epochs;
        var callbacks = new CallbackCollection { callback };
        foreach (ICallback other in others)
        {
            callbacks.Add(other);
        }

        return new Trainer(options, callbacks).Fit(model ?? LogInTwoMethods(), Batches(batches), validationBatches == 0 ? null : Batches(validationBatches));
    }

    private static LambdaCallback SaveCounter(Action count) => new() { StateKey = "save-counter", OnSaveState = (_, _) => count() };

    private static string State(string checkpoint, CheckpointCallback callback) => CheckpointFile.Read(checkpoint).CallbackStates[callback.StateKey]!.ToJsonString();

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_model_checkpoint_state_key
    [Fact]
    public void test_model_checkpoint_state_key()
    {
        // The key names the folder, the monitor and the mode (in this runtime's notation).
        Assert.Equal("Checkpoint[ckpt|val_loss|min]", new CheckpointCallback(Path.Combine(Root, "ckpt"), "val_loss", MonitorMode.Min).StateKey);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_model_checkpoint_score_and_ckpt
    [Theory]
    [InlineData(false, "val_log", false)]
    [InlineData(true, "train_log", false)]
    [InlineData(false, "val_log", true)]
    [InlineData(true, "train_log", true)]
    public void test_model_checkpoint_score_and_ckpt(bool validationStepNone, string monitor, bool reduceLROnPlateau)
    {
        var random = new Random(12);
        double[,] trainLogs = new double[3, 5], valLogs = new double[3, 7];
        Fill(trainLogs, random);
        Fill(valLogs, random);
        var model = new ParityModule(0.1)
            .LogInTraining("train_log", c => trainLogs[c.Epoch, c.BatchIndex], MetricReduction.Mean)
            .LogInValidation("val_log", c => valLogs[c.Epoch, c.BatchIndex], MetricReduction.Mean);
        var checkpoint = new CheckpointCallback(Root, monitor, MonitorMode.Min, saveTopK: -1, saveLast: false, fileNameTemplate: monitor + "={" + monitor + ":F4}-epoch={epoch}");
        ICallback schedule = reduceLROnPlateau
            ? new ReduceLROnPlateau(monitor, mode: MonitorMode.Min, minDelta: 0)
            : new LearningRateScheduler((epoch, lr) => epoch == 0 ? lr : lr * 2);

        new Trainer(new TrainerOptions { MaxEpochs = 3 }, new CallbackCollection { checkpoint, schedule }).Fit(model, Batches(5), validationStepNone ? null : Batches(7));

        Assert.Equal(3, Checkpoints(Root).Length);
        double[,] logs = monitor == "val_log" ? valLogs : trainLogs;
        var scores = new List<double>();
        for (int epoch = 0; epoch < 3; epoch++)
        {
            double score = Enumerable.Range(0, logs.GetLength(1)).Average(b => logs[epoch, b]);
            scores.Add(score);
            string file = Path.Combine(Root, FormattableString.Invariant($"{monitor}={score:F4}-epoch={epoch + 1}.ckpt"));
            CheckpointFile chk = CheckpointFile.Read(file);
            Assert.Equal(epoch + 1, chk.EpochsCompleted);
            Assert.Equal(5 * (epoch + 1), chk.GlobalStep);
            Assert.Equal(score, chk.CallbackStates[checkpoint.StateKey]!["current_score"]!.GetValue<double>(), 12);
            if (!reduceLROnPlateau)
            {
                // Schedulers act when an epoch starts here, so a checkpoint holds the rate of its epoch.
                Assert.Equal(0.1 * Math.Pow(2, epoch), chk.LearningRates[0], 12);
            }
        }

        if (reduceLROnPlateau)
        {
            Assert.Equal(scores.Min(), ((ReduceLROnPlateau)schedule).Best!.Value, 12);
        }

        static void Fill(double[,] values, Random random)
        {
            for (int i = 0; i < values.GetLength(0); i++)
            {
                for (int j = 0; j < values.GetLength(1); j++)
                {
                    values[i, j] = random.NextDouble();
                }
            }
        }
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_model_checkpoint_score_and_ckpt_val_check_interval
    [Fact]
    public void test_model_checkpoint_score_and_ckpt_val_check_interval()
    {
        int pass = 0;
        var model = new ParityModule { OnValidationStep = c => { if (c.BatchIndex == 0) { pass++; } } }.LogInValidation("val_log", _ => pass, MetricReduction.Mean);
        var checkpoint = new CheckpointCallback(Root, "val_log", MonitorMode.Min, saveTopK: -1, saveLast: false, fileNameTemplate: "val_log={val_log:F4}-epoch={epoch}");

        Fit(checkpoint, epochs: 3, batches: 12, validationBatches: 7, model: model, options: new TrainerOptions { ValidateEveryNSteps = 3 });

        // Deliberate difference: four validations an epoch, but one save at each epoch end, scored
        // by the epoch's last validation (Lightning saves after every validation: 12 files).
        Assert.Equal(new[] { "val_log=12.0000-epoch=3.ckpt", "val_log=4.0000-epoch=1.ckpt", "val_log=8.0000-epoch=2.ckpt" }, Checkpoints(Root));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_model_checkpoint_with_non_string_input
    [Theory]
    [InlineData(-1, new[] { "epoch=1.ckpt", "epoch=2.ckpt" })]
    [InlineData(0, new string[0])]
    [InlineData(1, new[] { "epoch=2.ckpt" })]
    [InlineData(2, new[] { "epoch=1.ckpt", "epoch=2.ckpt" })]
    public void test_model_checkpoint_with_non_string_input(int saveTopK, string[] expected)
    {
        Fit(new CheckpointCallback(Root, "early_stop_on", MonitorMode.Min, saveTopK: saveTopK, saveLast: false, fileNameTemplate: "epoch={epoch}"));

        Assert.Equal(expected, Checkpoints(Root));

        // Deliberate difference: the folder is required (Lightning derives one from the trainer).
        Assert.Equal("directory", Assert.ThrowsAny<ArgumentException>(() => new CheckpointCallback(null!)).ParamName);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_model_checkpoint_to_yaml
    // Run in both write modes too: with background writes the manifest is serialized on the writer thread.
    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(-1, true)]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    public void test_model_checkpoint_to_yaml(int saveTopK, bool background)
    {
        var checkpoint = new CheckpointCallback(Root, "early_stop_on", MonitorMode.Min, saveTopK: saveTopK);
        Fit(checkpoint, options: new TrainerOptions { WriteFilesInBackground = background });

        // The manifest (written every epoch, where Lightning has to_yaml) lists the kept files and scores.
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Root, CheckpointCallback.ManifestFileName)))!;
        Assert.Equal(
            checkpoint.Kept.Select(k => (Path.GetFileName(k.Path), k.Score)),
            manifest["kept"]!.AsArray().Select(k => (k!["file"]!.GetValue<string>(), k["score"]!.GetValue<double>())));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_model_checkpoint_no_extraneous_invocations
    [Fact]
    public void test_model_checkpoint_no_extraneous_invocations()
    {
        int saves = 0;
        var checkpoint = new CheckpointCallback(Root, "early_stop_on", MonitorMode.Min, saveTopK: -1, saveLast: false);

        Fit(checkpoint, epochs: 4, others: SaveCounter(() => saves++));

        Assert.Equal(4, saves);
        Assert.Equal(4, Checkpoints(Root).Length);
        Assert.NotNull(checkpoint.BestPath);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_model_checkpoint_format_checkpoint_name
    [Theory]
    [InlineData("epoch={epoch}-step={step}", "epoch=3-step=2")]
    [InlineData("ckpt", "ckpt")]
    [InlineData("epoch={epoch:D3}-acc={acc}", "epoch=003-acc=0.03")]
    [InlineData("epoch={epoch:D3}-epoch_test={epoch_test:000}", "epoch=003-epoch_test=003")]
    [InlineData("epoch={epoch},acc={acc:F5}", "epoch=3,acc=0.03000")]
    [InlineData("epoch={epoch}_val_loss={val/loss:F5}", "epoch=3_val_loss=0.03000")]
    [InlineData("epoch={epoch:D3}-val_acc={val/acc}", "epoch=003-val_acc=0.03")]
    [InlineData("mAP@0.50={val/mAP@0.50:F4}", "mAP@0.50=0.2000")]
    [InlineData("missing={missing}", "missing=0")]
    public void test_model_checkpoint_format_checkpoint_name(string template, string expected)
    {
        var store = new MetricsStore();
        store.Log("acc", 0.03, MetricReduction.Last);
        store.Log("epoch_test", 3, MetricReduction.Last);
        store.Log("val/loss", 0.03, MetricReduction.Last);
        store.Log("val/acc", 0.03, MetricReduction.Last);
        store.Log("val/mAP@0.50", 0.2, MetricReduction.Last);

        // Names the template may use are declared (fileNameMetrics); a declared metric missing when a name is rendered writes 0, as Lightning.
        string[] declared = { "epoch", "step", "batch", "acc", "epoch_test", "val/loss", "val/acc", "val/mAP@0.50", "missing" };
        Assert.Equal(expected, FileNameTemplate.Parse(template, "fileNameTemplate", declared).Render(3, 2, 1, new MetricsView(store)));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_model_checkpoint_file_extension
    [Fact]
    public void test_model_checkpoint_file_extension()
    {
        Fit(new CheckpointCallback(Root, "early_stop_on", MonitorMode.Min, saveTopK: 1, saveLast: true), epochs: 1, options: new TrainerOptions { MaxSteps = 1 });

        // The extension is always .ckpt (Lightning lets a subclass change it).
        Assert.Equal(new[] { "epoch=1-step=1.ckpt", "last.ckpt" }, Checkpoints(Root));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_model_checkpoint_save_last
    [Fact]
    public void test_model_checkpoint_save_last()
    {
        var checkpoint = new CheckpointCallback(Root, "early_stop_on", MonitorMode.Min, saveTopK: -1, saveLast: true);

        Fit(checkpoint, epochs: 3, batches: 10, validationBatches: 10);

        Assert.Equal(Path.Combine(Root, "last.ckpt"), checkpoint.LastPath);
        Assert.Equal(new[] { "epoch=1-step=10.ckpt", "epoch=2-step=20.ckpt", "epoch=3-step=30.ckpt", "last.ckpt" }, Checkpoints(Root));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_invalid_top_k
    [Fact]
    public void test_invalid_top_k()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointCallback(Root, saveTopK: -3));
        Assert.Equal("saveTopK", error.ParamName);
        Assert.Contains("it was -3", error.Message, StringComparison.Ordinal);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_none_monitor_top_k
    [Fact]
    public void test_none_monitor_top_k()
    {
        // Deliberate difference: without a monitor, saveTopK: 3 keeps the 3 most recent (Lightning rejects it).
        var checkpoint = new CheckpointCallback(Root, monitor: null, saveTopK: 3, saveLast: false, fileNameTemplate: "epoch={epoch}");
        Fit(checkpoint, epochs: 5);

        Assert.Equal(new[] { "epoch=3.ckpt", "epoch=4.ckpt", "epoch=5.ckpt" }, Checkpoints(Root));
        Assert.Equal(Path.Combine(Root, "epoch=5.ckpt"), checkpoint.BestPath);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_none_monitor_not_alternating
    [Fact]
    public void test_none_monitor_not_alternating()
    {
        var listings = new List<string[]>();
        var lister = new LambdaCallback { OnTrainEpochStart = (_, epoch) => { if (epoch > 0) { listings.Add(Checkpoints(Root)); } } };

        Fit(new CheckpointCallback(Root, monitor: null, saveTopK: 1, saveLast: false, fileNameTemplate: "model"), epochs: 3, validationBatches: 0, others: lister);

        Assert.Equal(2, listings.Count);
        Assert.All(listings, files => Assert.Equal(new[] { "model.ckpt" }, files));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_invalid_every_n_epochs
    [Fact]
    public void test_invalid_every_n_epochs()
    {
        Assert.Equal("everyNEpochs", Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointCallback(Root, everyNEpochs: -3)).ParamName);
        Assert.Equal(new[] { 0, 1, 2 }, new[] { 0, 1, 2 }.Select(n => new CheckpointCallback(Root, everyNEpochs: n).EveryNEpochs));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_invalid_every_n_train_steps
    [Fact]
    public void test_invalid_every_n_train_steps()
    {
        Assert.Equal("everyNTrainSteps", Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointCallback(Root, everyNTrainSteps: -3)).ParamName);
        Assert.Equal(new[] { 0, 1 }, new[] { 0, 1 }.Select(n => new CheckpointCallback(Root, everyNTrainSteps: n).EveryNTrainSteps));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_invalid_trigger_combination
    [Fact]
    public void test_invalid_trigger_combination()
    {
        var error = Assert.Throws<ArgumentException>(() => new CheckpointCallback(Root, everyNTrainSteps: 1, everyNEpochs: 2));
        Assert.Contains("everyNEpochs (2), everyNTrainSteps (1)", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new CheckpointCallback(Root, trainTimeInterval: TimeSpan.FromMinutes(1), everyNEpochs: 2));
        Assert.Throws<ArgumentException>(() => new CheckpointCallback(Root, trainTimeInterval: TimeSpan.FromMinutes(1), everyNTrainSteps: 2));

        Assert.Equal(3, new CheckpointCallback(Root, everyNTrainSteps: 0, everyNEpochs: 3).EveryNEpochs);
        Assert.Equal(0, new CheckpointCallback(Root, everyNTrainSteps: 4, everyNEpochs: 0).EveryNEpochs);
        Assert.Equal(0, new CheckpointCallback(Root, everyNTrainSteps: 0, everyNEpochs: 0, trainTimeInterval: TimeSpan.FromMinutes(1)).EveryNEpochs);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_none_every_n_train_steps_val_epochs
    [Fact]
    public void test_none_every_n_train_steps_val_epochs()
    {
        var checkpoint = new CheckpointCallback(Root);

        Assert.Equal(1, checkpoint.EveryNEpochs);
        Assert.Equal(0, checkpoint.EveryNTrainSteps);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_model_checkpoint_save_last_none_monitor
    [Fact]
    public void test_model_checkpoint_save_last_none_monitor()
    {
        var checkpoint = new CheckpointCallback(Root, monitor: null, saveTopK: -1, saveLast: true);

        Fit(checkpoint, epochs: 2, batches: 10, validationBatches: 10);

        Assert.Null(checkpoint.Monitor);
        Assert.Equal(Path.Combine(Root, "epoch=2-step=20.ckpt"), checkpoint.BestPath);
        Assert.Equal(Path.Combine(Root, "last.ckpt"), checkpoint.LastPath);
        Assert.Equal(new[] { "epoch=1-step=10.ckpt", "epoch=2-step=20.ckpt", "last.ckpt" }, Checkpoints(Root));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_model_checkpoint_every_n_epochs
    [Theory]
    [InlineData(0, new string[0])]
    [InlineData(1, new[] { "epoch=1.ckpt", "epoch=2.ckpt", "epoch=3.ckpt", "epoch=4.ckpt", "epoch=5.ckpt" })]
    [InlineData(2, new[] { "epoch=2.ckpt", "epoch=4.ckpt" })]
    [InlineData(3, new[] { "epoch=3.ckpt" })]
    public void test_model_checkpoint_every_n_epochs(int everyNEpochs, string[] expected)
    {
        Fit(new CheckpointCallback(Root, monitor: null, saveTopK: -1, saveLast: false, everyNEpochs: everyNEpochs, fileNameTemplate: "epoch={epoch}"), epochs: 5, batches: 1);

        Assert.Equal(expected, Checkpoints(Root));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_ckpt_every_n_train_steps
    [Fact]
    public void test_ckpt_every_n_train_steps()
    {
        Fit(new CheckpointCallback(Root, monitor: null, saveTopK: -1, saveLast: false, everyNEpochs: 0, everyNTrainSteps: 16, fileNameTemplate: "step={step}"), epochs: 2, batches: 64);

        Assert.Equal(Enumerable.Range(1, 8).Select(i => $"step={16 * i}.ckpt").OrderBy(n => n, StringComparer.Ordinal), Checkpoints(Root));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_model_checkpoint_train_time_interval
    [Fact]
    public void test_model_checkpoint_train_time_interval()
    {
        // Each step takes 7 s and the interval is a minute: 64 * 2 steps of 7 s make 14 saves.
        var checkpoint = new CheckpointCallback(Root, monitor: null, saveTopK: -1, saveLast: false, trainTimeInterval: TimeSpan.FromMinutes(1), timeProvider: new SteppingClock(TimeSpan.FromSeconds(7)));

        Fit(checkpoint, epochs: 2, batches: 64, options: new TrainerOptions { MinEpochs = 2 });

        Assert.Equal(14, Checkpoints(Root).Length);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_model_checkpoint_topk_zero
    [Fact]
    public void test_model_checkpoint_topk_zero()
    {
        var checkpoint = new CheckpointCallback(Root, monitor: null, saveTopK: 0, saveLast: true);

        Fit(checkpoint);

        Assert.Null(checkpoint.Monitor);
        Assert.Null(checkpoint.BestPath);
        Assert.Empty(checkpoint.Kept);
        Assert.Equal(new[] { "last.ckpt" }, Checkpoints(Root));
        Assert.Equal(Path.Combine(Root, "last.ckpt"), checkpoint.LastPath);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_model_checkpoint_topk_all
    [Fact]
    public void test_model_checkpoint_topk_all()
    {
        var checkpoint = new CheckpointCallback(Root, "epoch", MonitorMode.Max, saveTopK: -1, saveLast: false, fileNameTemplate: "epoch={epoch}");

        Fit(checkpoint, epochs: 3);

        Assert.Equal("epoch", checkpoint.Monitor);
        Assert.Equal(Path.Combine(Root, "epoch=3.ckpt"), checkpoint.BestPath);
        Assert.Equal(3, checkpoint.Kept[0].Score);
        Assert.Equal(3, checkpoint.Kept.Count);
        Assert.Equal(new[] { "epoch=1.ckpt", "epoch=2.ckpt", "epoch=3.ckpt" }, Checkpoints(Root));
        Assert.Equal(Path.Combine(Root, "epoch=1.ckpt"), checkpoint.Kept[^1].Path);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_ckpt_metric_names
    [Fact]
    public void test_ckpt_metric_names()
    {
        Fit(new CheckpointCallback(Root, "early_stop_on", MonitorMode.Min, saveLast: false, fileNameTemplate: "val_loss={val_loss:F2}"), epochs: 1);

        string file = Assert.Single(Checkpoints(Root), f => f.Contains("val_loss", StringComparison.Ordinal));
        Assert.True(new string(file.Where(c => char.IsDigit(c) || c == '.').ToArray()).Length > 3);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_default_checkpoint_behavior
    [Fact]
    public void test_default_checkpoint_behavior()
    {
        int saves = 0;

        // Lightning's default callback: no monitor, keep the latest. Deliberate difference: a
        // Trainer adds no checkpoint callback by itself, and monitor defaults to val_loss (Keras).
        Fit(new CheckpointCallback(Root, monitor: null, saveLast: false), epochs: 3, batches: 5, validationBatches: 5, others: SaveCounter(() => saves++));

        Assert.Equal(3, saves);
        Assert.Equal(new[] { "epoch=3-step=15.ckpt" }, Checkpoints(Root));
        Assert.Equal("val_loss", new CheckpointCallback(Root).Monitor);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_model_checkpoint_save_last_checkpoint_contents
    [Fact]
    public void test_model_checkpoint_save_last_checkpoint_contents()
    {
        var checkpoint = new CheckpointCallback(Root, "early_stop_on", MonitorMode.Min, saveTopK: 3, saveLast: true, fileNameTemplate: "epoch={epoch}");

        Fit(checkpoint, epochs: 3);

        string lastEpoch = Path.Combine(Root, "epoch=3.ckpt");
        Assert.Equal(Path.Combine(Root, "last.ckpt"), checkpoint.LastPath);
        CheckpointFile a = CheckpointFile.Read(lastEpoch), b = CheckpointFile.Read(checkpoint.LastPath!);
        Assert.Equal(a.EpochsCompleted, b.EpochsCompleted);
        Assert.Equal(a.GlobalStep, b.GlobalStep);
        Assert.Equal(State(lastEpoch, checkpoint), State(checkpoint.LastPath!, checkpoint));
        Assert.Equal(ModelEntry(lastEpoch), ModelEntry(checkpoint.LastPath!));
    }

    private static byte[] ModelEntry(string checkpoint)
    {
        using System.IO.Compression.ZipArchive archive = System.IO.Compression.ZipFile.OpenRead(checkpoint);
        using Stream stream = archive.GetEntry("model.bin")!.Open();
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/checkpointing/test_model_checkpoint.py::test_checkpointing_with_nan_as_first
    [Theory]
    [InlineData(MonitorMode.Min, new[] { double.NaN, 8, 7, 5 }, 5)]
    [InlineData(MonitorMode.Max, new[] { double.NaN, 5, 7, 8 }, 8)]
    public void test_checkpointing_with_nan_as_first(MonitorMode mode, double[] monitor, double best)
    {
        int saves = 0;
        var checkpoint = new CheckpointCallback(Root, "abc", mode, saveTopK: 1, saveLast: false);

        Fit(checkpoint, epochs: monitor.Length, model: new ParityModule().ValidationScript("abc", monitor), others: SaveCounter(() => saves++));

        Assert.Equal(monitor.Length, saves);
        Assert.Equal(best, checkpoint.Kept[0].Score);
    }
}
