using System;
using System.IO;
using Xunit;

namespace DreamTrainer.Tests.BuiltIns;

/// <summary>The built-ins keep a training step allocation-free (epoch-end work may allocate).</summary>
[Collection(nameof(AllocationTests))]
public class BuiltInAllocationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dt-alloc-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void A_training_step_with_progress_bar_lr_monitor_early_stopping_and_checkpoints_allocates_nothing()
    {
        var bar = new ProgressBar(refreshRate: 10, output: new DiscardingWriter(), interactive: false, redirectedIntervalSeconds: 0);
        var meter = new StepAllocationMeter(firstStep: 2_000, lastStep: 12_000);
        var callbacks = new CallbackCollection
        {
            bar,
            new LearningRateMonitor(LoggingInterval.Step, logMomentum: true),
            new EarlyStoppingCallback(patience: 3),
            new CheckpointCallback(_directory),
            meter,
        };
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 1 }, callbacks);
        int[] batches = Data.Batches(13_000);
        var module = new ScriptedModule(new[] { 1.0 });

        trainer.Fit(module, batches, new[] { 1 });
        TrainResult result = trainer.Fit(module, batches, new[] { 1 });

        Assert.True(meter.Measured);
        Assert.Equal(0, meter.AllocatedBytes);
        Assert.Equal(2_600, bar.Refreshes);
        Assert.Equal(13_000, result.GlobalStep);
        Assert.True(File.Exists(Path.Combine(_directory, CheckpointCallback.LastFileName)));
    }

    [Fact]
    public void A_training_step_with_step_and_time_checkpoint_triggers_weighted_and_reduced_metrics_min_steps_and_step_validation_allocates_nothing()
    {
        var meter = new StepAllocationMeter(firstStep: 2_000, lastStep: 12_000);
        var callbacks = new CallbackCollection
        {
            new TerminateOnNaN(),
            new LearningRateMonitor(LoggingInterval.Step, logMomentum: true),
            new CheckpointCallback(Path.Combine(_directory, "steps"), monitor: "loss", mode: MonitorMode.Min, everyNTrainSteps: 1_000_000),
            new CheckpointCallback(Path.Combine(_directory, "time"), monitor: null, trainTimeInterval: TimeSpan.FromDays(1)),
            new EarlyStoppingCallback("val_loss", MonitorMode.Min, patience: 3, stoppingThreshold: 0, divergenceThreshold: 100, checkFinite: true),
            meter,
        };
        var options = new TrainerOptions { MaxEpochs = 1, MinSteps = 12_500, ValidateEveryNSteps = 100_000 };
        var trainer = new Trainer(options, callbacks);
        int[] batches = Data.Batches(13_000);
        var module = new Parity.ParityModule(0.1, 0.01) { Momentum = 0.9 }
            .LogInTraining("acc", c => c.BatchIndex % 2, MetricReduction.Mean)
            .LogInTraining("seen", _ => 1, MetricReduction.Sum)
            .LogInTraining("low", c => c.BatchIndex, MetricReduction.Min)
            .LogInTraining("high", c => c.BatchIndex, MetricReduction.Max);

        trainer.Fit(module, batches, new[] { 1 });
        TrainResult result = trainer.Fit(module, batches, new[] { 1 });

        Assert.True(meter.Measured);
        Assert.Equal(0, meter.AllocatedBytes);
        Assert.Equal(13_000, result.GlobalStep);
        Assert.Equal(13_000, result.History[0]["seen"]);
        Assert.Equal(0.5, result.History[0]["acc"], 12);
    }

    /// <summary>A writer that drops what it is given without allocating (Console.Out in CI goes to a pipe).</summary>
    private sealed class DiscardingWriter : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value)
        {
        }

        public override void Write(ReadOnlySpan<char> buffer)
        {
        }
    }
}
