using System;
using System.IO;
using DreamTrainer.Samples.Digits;
using DreamTrainer.Testing;

namespace DreamTrainer.Samples.CustomCallbacks;

/// <summary>
/// Guide best practice 5, "Test Callbacks": <c>test_my_callback</c> with a mock trainer. The
/// <see cref="CallbackTestHarness"/> is the mock trainer: hooks run without a loop, and every control
/// works (SaveCheckpoint writes into the harness's temporary folder, weights are a fake model state).
/// </summary>
public static class HarnessTest
{
    /// <summary>Runs the guide's test, and a resume test of <see cref="StatefulCallback"/>; throws when a check fails.</summary>
    /// <param name="data">The digits, for the model the callback binds.</param>
    /// <returns>A one-line report.</returns>
    public static string Run(DigitsData data)
    {
        TestMyCallback(data);
        TestStatefulCallbackSurvivesAResume();
        return "HarnessTest: 5 checks passed (test_my_callback, StatefulCallback resume)";
    }

    private static void TestMyCallback(DigitsData data)
    {
        // Create mock trainer
        var callbacks = new CallbackCollection();
        using var trainer = new CallbackTestHarness(callbacks) { Model = new DigitsMlp(data) };
        trainer.Optimizer = ((DigitsMlp)trainer.Model).Sgd;

        // Create callback
        string checkpoint = Path.Combine(trainer.Directory, "checkpoint.ckpt");
        var callback = new TrainerAwareCallback(checkpoint);
        callbacks.Add(callback);

        // Test hook
        trainer.TrainBatchEnd(
            loss: 5.0,
            batch: new DigitsBatch(new ArraySegment<int>(new int[32])),
            batchIndex: 0);

        // Assert expected behavior
        Expect(trainer.Context.Metrics["custom_metric"] == 42, "custom_metric is 42");
        Expect(File.Exists(checkpoint), "the checkpoint was saved");
        Expect(callback.LastSeen.Momentum == 0.9, "the model was bound by its type");
    }

    private static void TestStatefulCallbackSurvivesAResume()
    {
        using var first = new CallbackTestHarness(new StatefulCallback(patience: 2));
        first.ValidationEpochEnd(0, ("val_loss", 0.5));
        first.ValidationEpochEnd(1, ("val_loss", 0.6));
        CallbackStateWriter state = first.SaveState();

        var resumed = new StatefulCallback(patience: 2);
        using var second = new CallbackTestHarness(resumed);
        second.LoadState(state);
        Expect(resumed.BestMetric == 0.5 && resumed.PatienceCounter == 1, "state survives a resume");
        second.ValidationEpochEnd(2, ("val_loss", 0.7));
        Expect(second.Context.StopRequested, "a second epoch without improvement stops training");
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("HarnessTest failed: " + what);
        }
    }
}
