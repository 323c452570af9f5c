using System;
using System.IO;
using DreamTrainer.Testing;

namespace DreamTrainer.Samples.CustomCallbacks;

/// <summary>
/// Guide best practice "test your callbacks with a mock trainer": drive the hooks with the
/// CallbackTestHarness, no model or data, and check what the callback did.
/// </summary>
public static class HarnessTest
{
    /// <summary>Checks TrainerAwareCallback; throws when it misbehaves.</summary>
    /// <returns>A one-line report.</returns>
    public static string Run()
    {
        var callback = new TrainerAwareCallback(TextWriter.Null, targetAccuracy: 0.9);
        var harness = new CallbackTestHarness(new CallbackCollection { callback }, new TrainerOptions { MaxEpochs = 10, CheckpointDirectory = Path.GetTempPath() }, learningRate: 0.2);

        harness.TrainEpochEnd(0, ("val_acc", 0.85));
        Expect(harness.LearningRateHistory.Count == 0, "no change below the target");

        harness.TrainEpochEnd(1, ("val_acc", 0.93));
        Expect(Math.Abs(harness.LearningRate - 0.1) < 1e-12, "learning rate halved at the target");
        Expect(harness.Context.CheckpointRequested, "a checkpoint was requested");

        harness.TrainEpochEnd(2, ("val_acc", 0.95));
        Expect(harness.LearningRateHistory.Count == 1, "only once");

        CallbackStateWriter state = harness.SaveState();
        var restored = new TrainerAwareCallback(TextWriter.Null, targetAccuracy: 0.9);
        var second = new CallbackTestHarness(new CallbackCollection { restored });
        second.LoadState(state);
        second.TrainEpochEnd(3, ("val_acc", 0.99));
        Expect(second.LearningRateHistory.Count == 0, "state survives a resume");
        return "HarnessTest: 5 checks passed for TrainerAwareCallback";
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("HarnessTest failed: " + what);
        }
    }
}
