using System;
using System.IO;
using DreamTrainer.Samples.Digits;

namespace DreamTrainer.Samples.CustomCallbacks;

/// <summary>What a run of the guide's examples did, for the sample's end-to-end test.</summary>
/// <param name="Result">The training result.</param>
/// <param name="Hooks">The every-hook callback.</param>
/// <param name="Group">The monitoring group.</param>
/// <param name="Typed">The callback reading the step outputs.</param>
/// <param name="TrainerAware">The callback binding the model and the optimizer.</param>
/// <param name="Stateful">The patience callback.</param>
/// <param name="Errors">The error-handling callback.</param>
/// <param name="Checkpoint">Where the trainer-aware callback saved its checkpoint.</param>
public sealed record GuideRun(
    TrainResult Result,
    AllHooks Hooks,
    MonitoringGroup Group,
    TypedCallback Typed,
    TrainerAwareCallback TrainerAware,
    StatefulCallback Stateful,
    ErrorHandlingCallback Errors,
    string Checkpoint);

/// <summary>The Dream Trainer callbacks guide's examples, trained together on the digits.</summary>
public static class GuideExamples
{
    /// <summary>Runs the guide's test, then trains the MLP with every example registered.</summary>
    /// <param name="output">Where the examples and the summary print.</param>
    /// <param name="epochs">The epoch budget.</param>
    /// <param name="directory">Where checkpoints go.</param>
    /// <returns>What ran.</returns>
    public static GuideRun Run(TextWriter output, int epochs, string directory)
    {
        ArgumentNullException.ThrowIfNull(output);
        Directory.CreateDirectory(directory);
        DigitsData data = DigitsData.Load();
        output.WriteLine(HarnessTest.Run(data));

        (int[] train, int[] validation) = data.Split(0.2, seed: 42);
        string checkpoint = Path.Combine(directory, "checkpoint.ckpt");
        var hooks = new AllHooks();
        var group = new MonitoringGroup(output);
        var typed = new TypedCallback();
        var trainerAware = new TrainerAwareCallback(checkpoint);
        var stateful = new StatefulCallback();
        var errors = new ErrorHandlingCallback();

        // The group is one entry; its three members run by their own priorities among the others.
        var callbacks = new CallbackCollection
        {
            new MyCallback(output),
            hooks,
            stateful,
            trainerAware,
            typed,
            errors,
            group,
            new LowPriorityCallback(output),
            new HighPriorityCallback(output),
        };
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = epochs, CheckpointDirectory = directory }, callbacks);
        TrainResult result = trainer.Fit(new DigitsMlp(data), new DigitsLoader(train, 32, shuffleSeed: 1), new DigitsLoader(validation, 128));
        var run = new GuideRun(result, hooks, group, typed, trainerAware, stateful, errors, checkpoint);

        output.WriteLine($"Done: {result.Reason} after {result.EpochsCompleted} epochs; val_acc {result.History[^1]["val_acc"]:P2}");
        output.WriteLine($"AllHooks: {run.Hooks.Calls(Hook.TrainBatchEnd)} training and {run.Hooks.Calls(Hook.ValidationBatchEnd)} validation batches, {run.Hooks.Calls(Hook.TrainEpochEnd)} epochs");
        output.WriteLine($"TypedCallback: training accuracy from the step outputs {(double)run.Typed.Correct / run.Typed.Images:P2} over {run.Typed.Images} images");
        output.WriteLine($"MonitoringGroup: {run.Group.Loss.HighLosses} high losses, last gradient norm {run.Group.Gradients.LastNorm:F3}, clipped on {run.Group.Gradients.ClippedSteps} steps");
        output.WriteLine($"StatefulCallback: best val_loss {run.Stateful.BestMetric:F4}, patience counter {run.Stateful.PatienceCounter}");
        output.WriteLine($"TrainerAwareCallback: epoch {run.TrainerAware.LastSeen.Epoch}, lr {run.TrainerAware.LastSeen.LearningRate}, checkpoint {checkpoint}");
        output.WriteLine($"ErrorHandlingCallback: predictions per digit {string.Join(" ", run.Errors.Histogram)}; errors reported {result.Errors.Count}");
        return run;
    }
}
