using System;
using System.IO;
using DreamTrainer.Samples.CustomCallbacks;
using Xunit;

namespace DreamTrainer.Samples.Tests;

/// <summary>The Dream Trainer guide's examples (samples/CustomCallbacks) build without a diagnostic and run: the guide's test, then training with every example.</summary>
public class CustomCallbacksTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dt-guide-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void The_guides_callbacks_run_together_binding_the_batch_the_outputs_the_model_and_the_optimizer()
    {
        var output = new StringWriter();

        GuideRun run = GuideExamples.Run(output, epochs: 2, _directory);

        string console = output.ToString();
        Assert.StartsWith("HarnessTest: 5 checks passed", console, StringComparison.Ordinal);
        Assert.True(console.IndexOf("HighPriorityCallback runs first", StringComparison.Ordinal) < console.IndexOf("LowPriorityCallback runs after", StringComparison.Ordinal));
        Assert.Equal(TrainEndReason.Completed, run.Result.Reason);

        // Every hook ran as often as the loop says; the typed outputs covered every training image.
        int trainBatches = run.Hooks.Calls(Hook.TrainBatchEnd);
        Assert.Equal(2, run.Hooks.Calls(Hook.TrainEpochEnd));
        Assert.Equal(trainBatches, run.Hooks.Calls(Hook.TrainBatchStart));
        Assert.Equal(run.Result.GlobalStep, trainBatches);
        Assert.Equal(run.Hooks.Calls(Hook.ValidationBatchEnd), run.Hooks.Calls(Hook.ValidationBatchStart));
        Assert.True(run.Typed.Images > 2 * 1400 && run.Typed.Correct > run.Typed.Images / 2, $"{run.Typed.Correct}/{run.Typed.Images}");
        Assert.Equal(run.Typed.Images, Sum(run.Errors.Histogram));

        // The group's members ran inside the phased step; the trainer-aware callback saw model and optimizer and saved its checkpoint.
        Assert.True(double.IsFinite(run.Group.Gradients.LastNorm) && run.Group.Gradients.LastNorm > 0);
        Assert.True(run.Result.History[^1].ContainsKey("grad_norm"));
        Assert.True(run.Result.History[^1].ContainsKey("lr"));
        Assert.Equal(42, run.Result.History[^1]["custom_metric"]);
        Assert.Equal((2, 0.9, 0.1), run.TrainerAware.LastSeen);
        Assert.True(File.Exists(run.Checkpoint));
        Assert.True(run.Stateful.BestMetric < 1);
    }

    private static long Sum(long[] values)
    {
        long sum = 0;
        foreach (long value in values)
        {
            sum += value;
        }

        return sum;
    }
}
