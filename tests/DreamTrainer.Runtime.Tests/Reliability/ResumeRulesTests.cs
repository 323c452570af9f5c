using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using DreamTrainer.Tests.BuiltIns;
using Xunit;

namespace DreamTrainer.Tests.Reliability;

/// <summary>What a resume restores: the run's end, restore-best weights, the epoch in progress, logs and artifacts.</summary>
public class ResumeRulesTests : IDisposable
{
    private static readonly double[] Losses = { 1.0, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2 };

    private readonly string _root = Path.Combine(Path.GetTempPath(), "dt-resume-rules-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void A_stopped_run_resumed_ends_at_once_with_its_reason_and_restores_the_best_weights()
    {
        string folder = Path.Combine(_root, "stopped");
        var (trainer, stop, module) = StoppingRun(folder);
        TrainResult full = trainer.Fit(module, new[] { 1 }, new[] { 1 });
        Assert.Equal(TrainEndReason.Stopped, full.Reason);
        Assert.Equal(1, module.Weight);
        string last = Path.Combine(folder, "checkpoints", CheckpointCallback.LastFileName);
        CheckpointFile checkpoint = CheckpointFile.Read(last);
        Assert.Equal(TrainEndReason.Stopped, checkpoint.EndReason);
        Assert.Equal(full.StopReason, checkpoint.StopReason);

        var (again, againStop, againModule) = StoppingRun(folder);
        TrainResult resumed = again.Resume(last, againModule, new[] { 1 }, new[] { 1 });

        Assert.Equal(TrainEndReason.Stopped, resumed.Reason);
        Assert.Equal(full.StopReason, resumed.StopReason);
        Assert.Equal(full.EpochsCompleted, resumed.EpochsCompleted);
        Assert.Empty(resumed.History);
        Assert.Equal(1, againModule.Weight);
        Assert.Equal(stop.BestEpoch, againStop.BestEpoch);
        Assert.Contains(again.Context!.Warnings, w => w.Contains("continueStoppedRun", StringComparison.Ordinal));

        // A deliberate continuation trains on; early stopping's patience is spent, so it stops again after one epoch.
        var (onwards, _, onwardsModule) = StoppingRun(Path.Combine(_root, "onwards"));
        TrainResult continued = onwards.Resume(last, onwardsModule, new[] { 1 }, new[] { 1 }, continueStoppedRun: true);
        Assert.Equal(full.EpochsCompleted + 1, continued.EpochsCompleted);
        Assert.Single(continued.History);
    }

    [Fact]
    public void Best_weights_after_a_resume_are_the_best_epochs_though_the_checkpoint_is_later()
    {
        string folder = Path.Combine(_root, "best");
        var (trainer, _, module) = StoppingRun(folder, patience: 4);
        using var cancel = new CancellationTokenSource();
        ((CallbackCollection)trainer.Callbacks).Add(new LambdaCallback { OnTrainEpochStart = (_, epoch) => { if (epoch == 4) { cancel.Cancel(); } } });
        Assert.Throws<OperationCanceledException>(() => trainer.Fit(module, new[] { 1 }, new[] { 1 }, cancel.Token));
        string last = Path.Combine(folder, "checkpoints", CheckpointCallback.LastFileName);

        // Epoch index 1 was the best; the checkpoint of epoch 4 keeps its weights in an entry of their own.
        using (ZipArchive archive = ZipFile.OpenRead(last))
        {
            Assert.NotNull(archive.GetEntry("state/0.bin"));
        }

        var (resumed, stop, resumedModule) = StoppingRun(folder, patience: 4);
        TrainResult result = resumed.Resume(last, resumedModule, new[] { 1 }, new[] { 1 });
        Assert.Equal(TrainEndReason.Stopped, result.Reason);
        Assert.Equal(1, stop.BestEpoch);
        Assert.Equal(1, resumedModule.Weight);
    }

    [Fact]
    public void A_checkpoint_written_inside_an_epoch_resumes_at_its_next_batch_with_the_epochs_metrics()
    {
        var uninterrupted = MidEpochRun(Path.Combine(_root, "full"), out List<string> fullSteps);
        uninterrupted.Trainer.Fit(uninterrupted.Module, Batches(), new[] { 1 });
        string mid = Path.Combine(_root, "full", "checkpoints", "epoch=2-step=8.ckpt");
        CheckpointFile checkpoint = CheckpointFile.Read(mid);
        Assert.True(checkpoint.IsMidEpoch);
        Assert.Equal(1, checkpoint.EpochsCompleted);

        var resumed = MidEpochRun(Path.Combine(_root, "resumed"), out List<string> resumedSteps);
        Directory.CreateDirectory(Path.Combine(_root, "resumed"));
        File.Copy(Path.Combine(_root, "full", "log.json"), Path.Combine(_root, "resumed", "log.json"));
        resumed.Trainer.Resume(mid, resumed.Module, Batches(), new[] { 1 });

        // Step 9 is the second epoch's third batch (index 2); nothing before it runs again, the epoch's start hook neither.
        Assert.Equal(fullSteps.SkipWhile(s => s != "epoch 1 batch 1 step 8").Skip(1), resumedSteps);
        Assert.DoesNotContain("start 1", resumedSteps);
        Assert.Equal(Log(Path.Combine(_root, "full", "log.json")), Log(Path.Combine(_root, "resumed", "log.json")));
        Assert.Equal(uninterrupted.Module.Rate, resumed.Module.Rate);
    }

    [Fact]
    public void Csv_rows_stay_rectangular_after_a_resume_when_the_columns_change()
    {
        string full = Path.Combine(_root, "csv-full"), part = Path.Combine(_root, "csv-part");
        CsvRun(full, 4).Fit(new ScriptedModule(Losses), new[] { 1 }, new[] { 1 });
        CsvRun(part, 1).Fit(new ScriptedModule(Losses), new[] { 1 }, new[] { 1 });
        Assert.DoesNotContain("val_loss", File.ReadAllText(Path.Combine(part, "log.csv")), StringComparison.Ordinal);

        CsvRun(part, 4).Resume(Path.Combine(part, "checkpoints", CheckpointCallback.LastFileName), new ScriptedModule(Losses), new[] { 1 }, new[] { 1 });

        string[] lines = File.ReadAllLines(Path.Combine(part, "log.csv"));
        Assert.All(lines, line => Assert.Equal(lines[0].Split(',').Length, line.Split(',').Length));
        Assert.Equal(File.ReadAllText(Path.Combine(full, "log.csv")), File.ReadAllText(Path.Combine(part, "log.csv")));
    }

    [Theory]
    [InlineData("OnTrainStart")]
    [InlineData("OnLoadState")]
    [InlineData("corrupt model")]
    public void A_resume_that_fails_before_training_leaves_every_artifact_of_the_run_it_resumes(string failure)
    {
        string folder = Path.Combine(_root, "artifacts");
        LambdaCallback Thrower(bool fail) => new()
        {
            Priority = 100,
            StateKey = "thrower",
            OnTrainStart = _ => { if (fail && failure == "OnTrainStart") { throw new InvalidOperationException("start fails"); } },
            OnLoadState = (_, _) => { if (fail && failure == "OnLoadState") { throw new InvalidOperationException("load fails"); } },
            OnSaveState = (_, writer) => writer.Write("saved", true),
        };

        var (trainer, _, module) = StoppingRun(folder, patience: 10, maxEpochs: 2);
        ((CallbackCollection)trainer.Callbacks).Add(Thrower(fail: false));
        trainer.Fit(module, new[] { 1 }, new[] { 1 });
        string last = Path.Combine(folder, "checkpoints", CheckpointCallback.LastFileName);
        Dictionary<string, string> before = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(p => p, File.ReadAllText);

        var (again, _, againModule) = StoppingRun(folder, patience: 10, maxEpochs: 4);
        ((CallbackCollection)again.Callbacks).Add(Thrower(fail: true));
        againModule.Fail = failure == "corrupt model";
        Assert.ThrowsAny<Exception>(() => again.Resume(last, againModule, new[] { 1 }, new[] { 1 }));

        Dictionary<string, string> after = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(p => p, File.ReadAllText);
        Assert.Equal(before, after);
    }

    [Fact]
    public void The_next_run_removes_only_its_own_stale_temporary_files()
    {
        Directory.CreateDirectory(_root);
        string hex = new string('a', 32);
        string[] ours = { $".log.json.dt-{hex}.tmp", $".log.json.{hex}.tmp", $".log.summary.json.dt-{hex}.tmp", $".log.csv.dt-{hex}.tmp" };
        string[] others = { $".notes.txt.dt-{hex}.tmp", "scratch.tmp", $".log.json.dt-{hex}.tmp.bak" };
        foreach (string name in ours.Concat(others))
        {
            File.WriteAllText(Path.Combine(_root, name), "left by a killed run");
        }

        var callbacks = new CallbackCollection { new JsonTrainingLogger(Path.Combine(_root, "log.json")), new CsvLogger(Path.Combine(_root, "log.csv")) };
        new Trainer(new TrainerOptions { MaxEpochs = 1 }, callbacks).Fit(new ScriptedModule(Losses), new[] { 1 });

        Assert.All(ours, name => Assert.False(File.Exists(Path.Combine(_root, name)), name));
        Assert.All(others, name => Assert.True(File.Exists(Path.Combine(_root, name)), name));
    }

    [Fact]
    public void A_cancellation_an_engine_honours_while_a_checkpoint_is_written_is_a_cancellation()
    {
        using var cancel = new CancellationTokenSource();
        var module = new ScriptedModule(Losses) { Token = cancel.Token };
        var reasons = new List<TrainEndReason>();
        var callbacks = new CallbackCollection
        {
            new LambdaCallback { OnTrainEpochEnd = (_, epoch, _) => { if (epoch == 1) { cancel.Cancel(); } }, OnTrainEnd = (_, reason) => reasons.Add(reason) },
            new CheckpointCallback(Path.Combine(_root, "cancel"), monitor: null),
        };

        var error = Assert.Throws<OperationCanceledException>(() => new Trainer(new TrainerOptions { MaxEpochs = 4 }, callbacks).Fit(module, new[] { 1 }, new[] { 1 }, cancel.Token));
        Assert.Equal(cancel.Token, error.CancellationToken);
        Assert.Equal(new[] { TrainEndReason.Cancelled }, reasons);
    }

    [Fact]
    public void A_cancelled_run_whose_OnTrainEnd_throws_keeps_both_the_cancellation_first()
    {
        using var cancel = new CancellationTokenSource();
        var callbacks = new CallbackCollection
        {
            new LambdaCallback
            {
                OnTrainEpochEnd = (_, _, _) => cancel.Cancel(),
                OnTrainEnd = (_, _) => throw new InvalidOperationException("the end fails"),
            },
        };

        var error = Assert.Throws<AggregateException>(() => new Trainer(new TrainerOptions { MaxEpochs = 3 }, callbacks).Fit(new ScriptedModule(Losses), new[] { 1 }, null, cancel.Token));
        Assert.IsAssignableFrom<OperationCanceledException>(error.InnerExceptions[0]);
        Assert.Contains("the end fails", error.InnerExceptions[1].ToString(), StringComparison.Ordinal);
        Assert.StartsWith("Training was cancelled", error.Message, StringComparison.Ordinal);
    }

    private static (Trainer Trainer, EarlyStoppingCallback Stop, ScriptedModule Module) StoppingRun(string folder, int patience = 1, int maxEpochs = 8)
    {
        var stop = new EarlyStoppingCallback("val_loss", patience: patience, restoreBestWeights: true);
        var callbacks = new CallbackCollection
        {
            stop,
            new JsonTrainingLogger(Path.Combine(folder, "log.json")),
            new CheckpointCallback(Path.Combine(folder, "checkpoints"), "val_loss", saveTopK: 1),
        };
        return (new Trainer(new TrainerOptions { MaxEpochs = maxEpochs }, callbacks), stop, new ScriptedModule(Losses));
    }

    private static Trainer CsvRun(string folder, int maxEpochs) =>
        new(
            new TrainerOptions { MaxEpochs = maxEpochs, ValidateEveryNEpochs = 2 },
            new CallbackCollection { new CsvLogger(Path.Combine(folder, "log.csv")), new CheckpointCallback(Path.Combine(folder, "checkpoints"), monitor: null) });

    private static (Trainer Trainer, ScriptedModule Module) MidEpochRun(string folder, out List<string> steps)
    {
        var log = new List<string>();
        steps = log;
        var callbacks = new CallbackCollection
        {
            new LambdaCallback
            {
                OnTrainEpochStart = (_, epoch) => log.Add("start " + epoch),
                OnTrainBatchEnd = (TrainerContext context, in StepOutput output, int batch, long step) =>
                {
                    log.Add($"epoch {context.Epoch} batch {batch} step {context.GlobalStep}");
                    // Each reduction over the batch index: a resume that lost the epoch's first batches would differ.
                    context.Log("batch_mean", batch + output.Loss, MetricReduction.Mean);
                    context.Log("batch_sum", batch, MetricReduction.Sum);
                    context.Log("batch_min", batch, MetricReduction.Min);
                },
            },
            new ReduceLROnPlateau("loss", patience: 0, factor: 0.5, minDelta: 0),
            new JsonTrainingLogger(Path.Combine(folder, "log.json")),
            new CheckpointCallback(Path.Combine(folder, "checkpoints"), monitor: null, saveTopK: -1, everyNTrainSteps: 4),
        };
        var module = new ScriptedModule(Losses) { TrainLoss = epoch => 1.0 / (epoch + 1) };
        return (new Trainer(new TrainerOptions { MaxEpochs = 3 }, callbacks), module);
    }

    private static int[] Batches() => new[] { 1, 2, 3, 4, 5, 6 };

    private static string Log(string path)
    {
        JsonArray rows = JsonNode.Parse(File.ReadAllText(path))!.AsArray();
        return string.Join('\n', rows.Select(row => string.Join(',', row!.AsObject().Where(f => f.Key != "timestamp").OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + "=" + f.Value))));
    }
}
