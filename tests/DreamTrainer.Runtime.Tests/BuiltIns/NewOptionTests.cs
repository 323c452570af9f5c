using System;
using System.Collections.Generic;
using System.IO;
using Xunit;

namespace DreamTrainer.Tests.BuiltIns;

/// <summary>The options issue 12 added: each rejects bad input at construction naming the parameter and value, and works.</summary>
public class NewOptionTests
{
    public static TheoryData<string, string, Func<object>> BadOptions() => new()
    {
        { "MinEpochs", "it was 5", () => new Trainer(new TrainerOptions { MaxEpochs = 3, MinEpochs = 5 }) },
        { "MinEpochs", "it was -1", () => new Trainer(new TrainerOptions { MinEpochs = -1 }) },
        { "MinSteps", "it was -2", () => new Trainer(new TrainerOptions { MinSteps = -2 }) },
        { "MinSteps", "it was 11", () => new Trainer(new TrainerOptions { MaxSteps = 10, MinSteps = 11 }) },
        { "ValidateEveryNSteps", "it was -1", () => new Trainer(new TrainerOptions { ValidateEveryNSteps = -1 }) },
        { "ValidateEveryNSteps", "ValidateEveryNEpochs (2)", () => new Trainer(new TrainerOptions { ValidateEveryNSteps = 5, ValidateEveryNEpochs = 2 }) },
        { "stoppingThreshold", "it was NaN", () => new EarlyStoppingCallback(stoppingThreshold: double.NaN) },
        { "divergenceThreshold", "it was Infinity", () => new EarlyStoppingCallback(divergenceThreshold: double.PositiveInfinity) },
        { "initialValueThreshold", "it was NaN", () => new CheckpointCallback("ckpt", initialValueThreshold: double.NaN) },
        { "initialValueThreshold", "monitor is null", () => new CheckpointCallback("ckpt", monitor: null, initialValueThreshold: 1) },
        { "everyNEpochs", "it was -1", () => new CheckpointCallback("ckpt", everyNEpochs: -1) },
        { "everyNTrainSteps", "it was -5", () => new CheckpointCallback("ckpt", everyNTrainSteps: -5) },
        { "trainTimeInterval", "it was -00:00:01", () => new CheckpointCallback("ckpt", trainTimeInterval: TimeSpan.FromSeconds(-1)) },
        { "everyNEpochs", "everyNTrainSteps (3)", () => new CheckpointCallback("ckpt", everyNEpochs: 1, everyNTrainSteps: 3) },
        { "schedule", "schedule", () => new LearningRateScheduler(null!) },
        { "batchSize", "it was 0", () => new StepResult(1.0, batchSize: 0) },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Every_new_option_fails_at_construction_naming_the_parameter_and_value(string parameter, string value, Func<object> create)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => create());

        Assert.Equal(parameter, error.ParamName);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Metric_directions_must_be_min_or_max()
    {
        var harness = new Testing.CallbackTestHarness(new LambdaCallback());
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => harness.Context.DeclareMetricDirection("acc", MonitorMode.Auto));
        Assert.Equal("direction", error.ParamName);
        Assert.Contains("'acc'", error.Message, StringComparison.Ordinal);

        var module = new Parity.ParityModule { MetricDirections = new Dictionary<string, MonitorMode> { ["f1"] = MonitorMode.Auto } };
        var fromModule = Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(new TrainerOptions()).Fit(module, new[] { 1 }));
        Assert.Equal("ITrainingModule.MetricDirections", fromModule.ParamName);
    }

    [Fact]
    public void A_schedule_returning_a_bad_rate_fails_naming_the_epoch()
    {
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 2 }, new CallbackCollection { new LearningRateScheduler((epoch, lr) => epoch == 1 ? double.NaN : lr) });

        var error = Assert.Throws<CallbackException>(() => trainer.Fit(new Parity.ParityModule(), new[] { 1 }));

        Assert.Contains("returned NaN for epoch 2 (index 1)", error.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sum_min_and_max_reduce_the_epochs_values_and_mean_weights_by_batch_size()
    {
        var module = new Parity.ParityModule()
            .LogInTraining("sum", c => c.BatchIndex + 1, MetricReduction.Sum)
            .LogInTraining("min", c => 10 - c.BatchIndex, MetricReduction.Min)
            .LogInTraining("max", c => c.BatchIndex * 2, MetricReduction.Max);

        TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = 2 }).Fit(module, new[] { 1, 2, 3, 4 });

        Assert.All(result.History, epoch =>
        {
            Assert.Equal(1 + 2 + 3 + 4, epoch["sum"]);
            Assert.Equal(7, epoch["min"]);
            Assert.Equal(6, epoch["max"]);
        });
        Assert.Equal("reduction", Assert.Throws<ArgumentOutOfRangeException>(() => new Testing.CallbackTestHarness(new LambdaCallback()).Context.Log("x", 1, (MetricReduction)9)).ParamName);
    }

    [Fact]
    public void Validation_every_n_steps_runs_mid_epoch_and_keeps_the_last_pass()
    {
        var passes = new List<long>();
        var probe = new LambdaCallback { OnValidationStart = c => passes.Add(c.GlobalStep) };

        TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = 2, ValidateEveryNSteps = 4 }, new CallbackCollection { probe })
            .Fit(new Parity.ParityModule { ValidationLoss = e => e }, new[] { 1, 2, 3, 4, 5, 6 }, new[] { 1 });

        Assert.Equal(new long[] { 4, 8, 12 }, passes);
        Assert.Equal(1, result.History[1]["val_loss"]);
    }

    [Fact]
    public void Min_epochs_holds_a_stop_and_says_so_once()
    {
        var logger = new ListLogger();
        var stopper = new LambdaCallback { OnTrainEpochEnd = (c, _, _) => c.RequestStop("stop") };

        TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = 10, MinEpochs = 3, Logger = logger }, new CallbackCollection { stopper })
            .Fit(new Parity.ParityModule(), new[] { 1 });

        Assert.Equal(3, result.EpochsCompleted);
        Assert.Single(logger.Lines, l => l.Contains("MinEpochs=3", StringComparison.Ordinal));
    }

    private sealed class ListLogger : Microsoft.Extensions.Logging.ILogger
    {
        public List<string> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }
}
