using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using Xunit;

namespace DreamTrainer.Tests.BuiltIns;

/// <summary>A run interrupted after epoch k and resumed from its checkpoint ends exactly like an uninterrupted run.</summary>
public class ResumeTests : IDisposable
{
    private static readonly double[] ValidationLosses = { 1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.9, 0.95, 0.99, 1.0, 1.1, 1.2 };

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dt-resume-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private (Trainer Trainer, EarlyStoppingCallback Stop, StepLRScheduler Schedule, ReduceLROnPlateau Plateau, string Log, string Checkpoints) Setup(string name, TextWriter output)
    {
        string folder = Path.Combine(_directory, name);
        var stop = new EarlyStoppingCallback(patience: 4, minDelta: 0.005);
        var schedule = new StepLRScheduler(0.5, 3, output: output);
        var plateau = new ReduceLROnPlateau(patience: 2, factor: 0.5);
        string log = Path.Combine(folder, "log.json");
        string checkpoints = Path.Combine(folder, "checkpoints");
        var callbacks = new CallbackCollection { stop, schedule, plateau, new JsonTrainingLogger(log), new CheckpointCallback(checkpoints) };
        return (new Trainer(new TrainerOptions { MaxEpochs = 12 }, callbacks), stop, schedule, plateau, log, checkpoints);
    }

    private static JsonArray WithoutTimestamps(string path)
    {
        JsonArray log = JsonNode.Parse(File.ReadAllText(path))!.AsArray();
        foreach (JsonNode? entry in log)
        {
            entry!.AsObject().Remove("timestamp");
        }

        return log;
    }

    [Fact]
    public void An_interrupted_and_resumed_run_ends_with_the_same_counters_learning_rate_stop_epoch_and_log()
    {
        var fullOutput = new StringWriter();
        var full = Setup("full", fullOutput);
        var fullModule = new ScriptedModule(ValidationLosses, learningRate: 0.4);
        TrainResult expected = full.Trainer.Fit(fullModule, new[] { 1, 2 }, new[] { 1 });
        Assert.Equal(TrainEndReason.Stopped, expected.Reason);

        // The interrupted run: the same callbacks, stopped after epoch 3 by cancelling.
        var partOutput = new StringWriter();
        var part = Setup("part", partOutput);
        using var cancel = new System.Threading.CancellationTokenSource();
        var partModule = new ScriptedModule(ValidationLosses, learningRate: 0.4);
        var interrupter = new LambdaCallback { OnTrainEpochStart = (context, epoch) => { if (epoch == 4) { cancel.Cancel(); } } };
        ((CallbackCollection)part.Trainer.Callbacks).Add(interrupter);
        Assert.Throws<OperationCanceledException>(() => part.Trainer.Fit(partModule, new[] { 1, 2 }, new[] { 1 }, cancel.Token));

        var resumed = Setup("part", partOutput);
        var resumedModule = new ScriptedModule(ValidationLosses, learningRate: 999);
        TrainResult actual = resumed.Trainer.Resume(Path.Combine(part.Checkpoints, CheckpointCallback.LastFileName), resumedModule, new[] { 1, 2 }, new[] { 1 });

        Assert.Equal(expected.Reason, actual.Reason);
        Assert.Equal(expected.EpochsCompleted, actual.EpochsCompleted);
        Assert.Equal(expected.GlobalStep, actual.GlobalStep);
        Assert.Equal(full.Stop.StoppedEpoch, resumed.Stop.StoppedEpoch);
        Assert.Equal(full.Stop.Wait, resumed.Stop.Wait);
        Assert.Equal(full.Stop.Best, resumed.Stop.Best);
        Assert.Equal(full.Stop.BestEpoch, resumed.Stop.BestEpoch);
        Assert.Equal(full.Plateau.Wait, resumed.Plateau.Wait);
        Assert.Equal(fullModule.Rate, resumedModule.Rate);
        Assert.Equal(full.Schedule.History, resumed.Schedule.History);
        Assert.Equal(WithoutTimestamps(full.Log).ToJsonString(), WithoutTimestamps(resumed.Log).ToJsonString());
        Assert.Equal(fullModule.Weight, resumedModule.Weight);
        Assert.Empty(resumed.Trainer.Context!.Warnings);
    }
}
