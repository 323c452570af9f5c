using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Xunit;

namespace DreamTrainer.Tests.BuiltIns;

/// <summary>
/// One test per bug the peer-parity trial run found (issue 12). Each failed before its fix; the
/// peers' own cases live in Parity/.
/// </summary>
public class PeerParityFixTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dt-fixes-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void A_NaN_checkpoint_score_ranks_as_the_worst_and_is_beaten()
    {
        var callback = new CheckpointCallback(_directory, monitor: "val_loss", mode: MonitorMode.Min, saveTopK: 1, fileNameTemplate: "e{epoch}");

        new Trainer(new TrainerOptions { MaxEpochs = 4 }, new CallbackCollection { callback })
            .Fit(new ScriptedModule(new[] { double.NaN, 8, 7, 5 }), new[] { 1 }, new[] { 1 });

        Assert.Equal(Path.Combine(_directory, "e4.ckpt"), callback.BestPath);
        Assert.Equal(5, callback.Kept.Single().Score);
    }

    [Fact]
    public void A_top_k_checkpoint_holds_the_kept_list_including_itself_so_a_resume_from_it_keeps_it()
    {
        var scores = new[] { 0.5, 0.9, 0.8, 0.7, 0.6 };
        var first = new CheckpointCallback(_directory, monitor: "val_loss", mode: MonitorMode.Min, saveTopK: 2, fileNameTemplate: "e{epoch}");
        new Trainer(new TrainerOptions { MaxEpochs = 3 }, new CallbackCollection { first }).Fit(new ScriptedModule(scores), new[] { 1 }, new[] { 1 });
        string best = first.BestPath!;

        var resumed = new CheckpointCallback(_directory, monitor: "val_loss", mode: MonitorMode.Min, saveTopK: 2, fileNameTemplate: "e{epoch}");
        new Trainer(new TrainerOptions { MaxEpochs = 5 }, new CallbackCollection { resumed }).Resume(best, new ScriptedModule(scores), new[] { 1 }, new[] { 1 });

        Assert.Equal(best, resumed.BestPath);
        Assert.Equal(2, resumed.Kept.Count);
        Assert.True(File.Exists(best));
    }

    [Fact]
    public void Save_last_is_written_on_epochs_that_every_n_epochs_skips()
    {
        var callback = new CheckpointCallback(_directory, monitor: "val_loss", mode: MonitorMode.Min, everyNEpochs: 2);

        new Trainer(new TrainerOptions { MaxEpochs = 3 }, new CallbackCollection { callback }).Fit(new ScriptedModule(new[] { 1.0 }), new[] { 1 }, new[] { 1 });

        Assert.Equal(3, CheckpointFile.Read(Path.Combine(_directory, CheckpointCallback.LastFileName)).EpochsCompleted);
    }

    [Fact]
    public void StepLR_and_ReduceLROnPlateau_scale_each_parameter_group_from_its_own_rate()
    {
        var module = new GroupedModule(0.1, 0.01);
        new Trainer(new TrainerOptions { MaxEpochs = 2 }, new CallbackCollection { new StepLRScheduler(0.5, 1, verbose: false) }).Fit(module, new[] { 1 });
        Assert.Equal(new[] { 0.05, 0.005 }, module.Rates, new ToleranceComparer());

        var plateau = new GroupedModule(0.1, 0.01);
        new Trainer(new TrainerOptions { MaxEpochs = 2 }, new CallbackCollection { new ReduceLROnPlateau(monitor: "loss", mode: MonitorMode.Min, factor: 0.5, patience: 1, minDelta: 0) })
            .Fit(plateau, new[] { 1 });
        Assert.Equal(new[] { 0.05, 0.005 }, plateau.Rates, new ToleranceComparer());
    }

    [Fact]
    public void LearningRateMonitor_registered_before_a_scheduler_logs_the_rate_the_scheduler_set()
    {
        var module = new ScriptedModule(new[] { 1.0 }, learningRate: 0.1);
        var callbacks = new CallbackCollection { new LearningRateMonitor(), new StepLRScheduler(0.5, 1, verbose: false) };

        TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = 2 }, callbacks).Fit(module, new[] { 1 });

        Assert.Equal(0.05, result.History[1]["lr"], 12);
    }

    [Fact]
    public void Min_and_max_early_stopping_on_one_metric_keep_separate_state()
    {
        var min = new EarlyStoppingCallback("val_loss", MonitorMode.Min, patience: 5);
        var max = new EarlyStoppingCallback("val_loss", MonitorMode.Max, patience: 5);

        new Trainer(new TrainerOptions { MaxEpochs = 2 }, new CallbackCollection { min, max }).Fit(new ScriptedModule(new[] { 1.0, 0.5 }), new[] { 1 }, new[] { 1 });

        Assert.NotEqual(min.StateKey, max.StateKey);
        Assert.Equal(0.5, min.Best);
        Assert.Equal(1.0, max.Best);
    }

    [Fact]
    public void Resuming_with_max_epochs_at_or_below_the_checkpoint_epoch_fails_naming_both_numbers()
    {
        var callbacks = new CallbackCollection { new CheckpointCallback(_directory, monitor: null) };
        new Trainer(new TrainerOptions { MaxEpochs = 3 }, callbacks).Fit(new ScriptedModule(new[] { 1.0 }), new[] { 1 });
        string last = Path.Combine(_directory, CheckpointCallback.LastFileName);

        var error = Assert.Throws<InvalidOperationException>(() =>
            new Trainer(new TrainerOptions { MaxEpochs = 2 }, new CallbackCollection { new CheckpointCallback(_directory, monitor: null) }).Resume(last, new ScriptedModule(new[] { 1.0 }), new[] { 1 }));

        Assert.Contains("MaxEpochs is 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("3 epoch", error.Message, StringComparison.Ordinal);
        Assert.Contains(last, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_mode_fails_clearly_when_the_metric_direction_is_unknown()
    {
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 2 }, new CallbackCollection { new EarlyStoppingCallback("val_score") });
        var module = new ScriptedModule(new[] { 1.0 });

        var error = Assert.Throws<CallbackException>(() => trainer.Fit(new LoggingModule(module, "val_score", 0.5), new[] { 1 }, new[] { 1 }));

        Assert.Contains("'val_score'", error.InnerException!.Message, StringComparison.Ordinal);
        Assert.Contains("MonitorMode.Max", error.InnerException.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Epoch_means_of_loss_val_loss_and_logged_step_metrics_are_weighted_by_batch_size()
    {
        var module = new SizedModule();

        TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = 1 }).Fit(module, new[] { 1, 3 }, new[] { 1, 3 });

        // Batches of 1 and 3 samples with losses 1 and 3: (1*1 + 3*3) / 4 = 2.5, not (1 + 3) / 2.
        Assert.Equal(2.5, result.History[0]["loss"], 12);
        Assert.Equal(2.5, result.History[0]["val_loss"], 12);
        Assert.Equal(2.5, result.History[0]["acc"], 12);
    }

    [Fact]
    public void A_val_monitor_in_a_run_without_validation_data_warns_once()
    {
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 3 }, new CallbackCollection { new EarlyStoppingCallback("val_loss", MonitorMode.Min), new ReduceLROnPlateau("val_loss", mode: MonitorMode.Min) });

        trainer.Fit(new ScriptedModule(new[] { 1.0 }), new[] { 1 });

        Assert.Equal(2, trainer.Context!.Warnings.Count);
        Assert.All(trainer.Context.Warnings, w => Assert.Contains("no validation data", w, StringComparison.Ordinal));
    }

    [Fact]
    public void The_json_log_writes_timestamps_with_a_plain_plus()
    {
        string path = Path.Combine(_directory, "log.json");

        new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection { new JsonTrainingLogger(path) }).Fit(new ScriptedModule(new[] { 1.0 }), new[] { 1 });

        string text = File.ReadAllText(path);
        Assert.Contains("+00:00\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u002B", text, StringComparison.Ordinal);
    }

    [Fact]
    public void LoggerCallback_logs_the_learning_rate_once_per_epoch_line()
    {
        var logger = new LineLogger();
        var callbacks = new CallbackCollection { new LearningRateMonitor(), new LoggerCallback(logger, logEveryNSteps: 0) };

        new Trainer(new TrainerOptions { MaxEpochs = 1 }, callbacks).Fit(new ScriptedModule(new[] { 1.0 }), new[] { 1 });

        string epochLine = logger.Lines.Single(l => l.StartsWith("epoch ", StringComparison.Ordinal));
        Assert.Single(Regex.Matches(epochLine, @"\blr[\w-]*="));
    }

    [Fact]
    public void Every_epoch_number_a_person_reads_counts_from_one()
    {
        string json = Path.Combine(_directory, "log.json");
        string csv = Path.Combine(_directory, "log.csv");
        var logger = new LineLogger();
        var steps = new StringWriter();
        var callbacks = new CallbackCollection
        {
            new JsonTrainingLogger(json),
            new CsvLogger(csv),
            new LoggerCallback(logger, logEveryNSteps: 0),
            new StepLRScheduler(0.5, 5, output: steps),
            new CheckpointCallback(Path.Combine(_directory, "ckpt"), monitor: null, saveTopK: -1, fileNameTemplate: "epoch={epoch}"),
        };

        new Trainer(new TrainerOptions { MaxEpochs = 6 }, callbacks).Fit(new ScriptedModule(new[] { 1.0 }), new[] { 1 });

        Assert.Contains("\"epoch\": 1,", File.ReadAllText(json), StringComparison.Ordinal);
        Assert.StartsWith("1,", File.ReadAllLines(csv)[1], StringComparison.Ordinal);
        Assert.StartsWith("epoch 1:", logger.Lines.First(l => l.StartsWith("epoch", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal("Epoch 6: Reducing LR from 0.100000 to 0.050000", steps.ToString().Trim());
        Assert.True(File.Exists(Path.Combine(_directory, "ckpt", "epoch=1.ckpt")));
        Assert.True(File.Exists(Path.Combine(_directory, "ckpt", "epoch=6.ckpt")));

        var missing = new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection { new EarlyStoppingCallback("accuracy", MonitorMode.Max) });
        var error = Assert.Throws<CallbackException>(() => missing.Fit(new ScriptedModule(new[] { 1.0 }), new[] { 1 }));
        Assert.Contains("epoch 1 has no such metric", error.InnerException!.Message, StringComparison.Ordinal);
    }

    /// <summary>Two parameter groups with their own rates.</summary>
    private sealed class GroupedModule : ITrainingModule<int>, ILearningRateControl
    {
        public GroupedModule(params double[] rates) => Rates = rates;

        public double[] Rates { get; }

        public int GroupCount => Rates.Length;

        public StepResult TrainingStep(int batch, TrainerContext context) => 1.0;

        public StepResult ValidationStep(int batch, TrainerContext context) => 1.0;

        public double GetLearningRate(int group) => Rates[group];

        public void SetLearningRate(int group, double learningRate) => Rates[group] = learningRate;

        public bool TryGetMomentum(int group, out double momentum)
        {
            momentum = double.NaN;
            return false;
        }
    }

    /// <summary>Batches whose value is both their size and their loss; logs the same as "acc" (mean).</summary>
    private sealed class SizedModule : ITrainingModule<int>
    {
        public StepResult TrainingStep(int batch, TrainerContext context)
        {
            context.Log("acc", batch, MetricReduction.Mean);
            return new StepResult(batch, batchSize: batch);
        }

        public StepResult ValidationStep(int batch, TrainerContext context) => new(batch, batchSize: batch);
    }

    /// <summary>Wraps a module and logs one extra metric in every validation step.</summary>
    private sealed class LoggingModule : ITrainingModule<int>
    {
        private readonly ITrainingModule<int> _inner;
        private readonly string _name;
        private readonly double _value;

        public LoggingModule(ITrainingModule<int> inner, string name, double value)
        {
            _inner = inner;
            _name = name;
            _value = value;
        }

        public StepResult TrainingStep(int batch, TrainerContext context) => _inner.TrainingStep(batch, context);

        public StepResult ValidationStep(int batch, TrainerContext context)
        {
            context.Log(_name, _value);
            return _inner.ValidationStep(batch, context);
        }
    }

    private sealed class LineLogger : ILogger
    {
        public List<string> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }

    private sealed class ToleranceComparer : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-12;

        public int GetHashCode(double obj) => 0;
    }
}
