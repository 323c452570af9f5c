using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Extensions.Logging;
using Xunit;

namespace DreamTrainer.Tests.BuiltIns;

public class OtherBuiltInTests
{
    [Fact]
    public void TerminateOnNaN_stops_at_once_with_reason_Stopped_and_no_epoch_end_side_effects()
    {
        var output = new StringWriter();
        var epochEnds = new List<int>();
        var module = new ScriptedModule(new[] { 1.0 }) { TrainLoss = epoch => epoch == 2 ? double.NaN : 1.0 };
        var callbacks = new CallbackCollection
        {
            new TerminateOnNaN(output),
            new LambdaCallback { OnTrainEpochEnd = (context, epoch, metrics) => epochEnds.Add(epoch) },
        };

        TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = 5 }, callbacks).Fit(module, new[] { 1, 2, 3 }, new[] { 1 });

        Assert.Equal(TrainEndReason.Stopped, result.Reason);
        Assert.Equal(new[] { 0, 1 }, epochEnds);
        Assert.Equal(2, result.EpochsCompleted);
        Assert.Equal(7, result.GlobalStep);
        Assert.Contains("TerminateOnNaN", result.StopReason, StringComparison.Ordinal);
        Assert.Contains("Epoch 3, batch 1: Invalid loss, terminating training", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void LambdaCallback_runs_only_the_hooks_it_was_given()
    {
        var seen = new List<string>();
        var lambda = new LambdaCallback
        {
            OnTrainStart = context => seen.Add("start"),
            OnTrainBatchEnd = (TrainerContext context, in StepOutput output, int batchIndex, long step) => seen.Add($"batch {step} {output.Loss}"),
            OnTrainEnd = (context, reason) => seen.Add(reason.ToString()),
        };

        new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection { lambda }).Fit(new ScriptedModule(new[] { 1.0 }), new[] { 1, 2 });

        Assert.Equal(HookMask.TrainStart | HookMask.TrainBatchEnd | HookMask.TrainEnd, lambda.Hooks);
        Assert.Equal(new[] { "start", "batch 0 1", "batch 1 1", "Completed" }, seen);
    }

    [Fact]
    public void LoggerCallback_logs_steps_with_norms_epochs_and_the_end_through_ILogger()
    {
        var logger = new ListLogger();
        var module = new NormModule();

        new Trainer(new TrainerOptions { MaxEpochs = 2 }, new CallbackCollection { new LoggerCallback(logger, logEveryNSteps: 2) }).Fit(module, new[] { 1, 2, 3, 4 });

        Assert.Equal("Training started: up to 2 epoch(s)", logger.Lines[0]);
        Assert.Contains("step 2: loss=0.5 grad_norm=1.5 param_norm=10", logger.Lines);
        Assert.Contains("step 8: loss=0.5 grad_norm=1.5 param_norm=10", logger.Lines);
        Assert.Contains(logger.Lines, l => l.StartsWith("epoch 1: loss=0.5", StringComparison.Ordinal));
        Assert.Equal("Training Completed after 2 epoch(s)", logger.Lines[^1]);
        Assert.Equal(4 + 2 + 2, logger.Lines.Count);
    }

    [Fact]
    public void ProgressBar_in_redirected_output_writes_plain_lines_and_reads_the_loss_once_per_refresh()
    {
        var output = new StringWriter();
        var bar = new ProgressBar(refreshRate: 10, output: output, interactive: false, redirectedIntervalSeconds: 0);
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 2 }, new CallbackCollection { bar });

        trainer.Fit(new ScriptedModule(new[] { 1.0 }), Enumerable.Range(0, 100).ToArray());

        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(20, bar.Refreshes);
        Assert.Equal(20, bar.LossReads);
        Assert.Equal(20, trainer.Context!.ScalarReads);
        Assert.Equal("Epoch 1/2 [###---------------------------] 10/100 loss 1.0000", lines[0]);
        Assert.Equal("Epoch 1/2 [##############################] 100/100 loss 1.0000", lines[9]);
        Assert.StartsWith("Epoch 1/2: loss=1", lines[10], StringComparison.Ordinal);
        Assert.Equal(22, lines.Length);
    }

    [Fact]
    public void ProgressBar_completes_the_bar_on_the_last_batch_without_reading_the_loss_again()
    {
        var output = new StringWriter();
        var bar = new ProgressBar(refreshRate: 10, output: output, interactive: false, showMetrics: false, redirectedIntervalSeconds: 0, barWidth: 5);
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection { bar });

        trainer.Fit(new ScriptedModule(new[] { 1.0 }), Enumerable.Range(0, 25).ToArray());

        Assert.Equal(3, bar.Refreshes);
        Assert.Equal(2, bar.LossReads);
        Assert.Equal(2, trainer.Context!.ScalarReads);
        Assert.EndsWith("Epoch 1/1 [#####] 25/25 loss 1.0000\n", output.ToString().Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void ProgressBar_on_a_terminal_redraws_one_line_in_place()
    {
        var output = new StringWriter();
        var bar = new ProgressBar(refreshRate: 5, output: output, interactive: true, showMetrics: false, barWidth: 10);

        new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection { bar }).Fit(new ScriptedModule(new[] { 1.0 }), Enumerable.Range(0, 10).ToArray());

        Assert.Equal("\rEpoch 1/1 [#####-----] 5/10 loss 1.0000\rEpoch 1/1 [##########] 10/10 loss 1.0000" + Environment.NewLine, output.ToString());
    }

    private sealed class NormModule : ITrainingModule<int>, ITrainingDiagnostics
    {
        public StepResult TrainingStep(int batch, TrainerContext context) => 0.5;

        public StepResult ValidationStep(int batch, TrainerContext context) => 0.5;

        public bool TryGetGradientNorm(out double norm)
        {
            norm = 1.5;
            return true;
        }

        public bool TryGetParameterNorm(out double norm)
        {
            norm = 10;
            return true;
        }
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }
}
