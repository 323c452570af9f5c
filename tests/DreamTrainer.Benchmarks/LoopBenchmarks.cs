using System;
using System.IO;
using BenchmarkDotNet.Attributes;

namespace DreamTrainer.Benchmarks;

/// <summary>
/// The training loop's own cost: Fit over 100,000 steps (one epoch) of a module that does no work,
/// with the default built-ins registered, against a bare hand-written loop doing the same calls.
/// Divide the difference by 100,000 for the overhead per step.
/// </summary>
[MemoryDiagnoser]
public class LoopBenchmarks
{
    /// <summary>Steps per run.</summary>
    public const int Steps = 100_000;

    private int[] _batches = null!;
    private NoOpModule _module = null!;
    private string _directory = null!;

    /// <summary>Creates the data and a scratch folder for the checkpoint callback.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _batches = new int[Steps];
        _module = new NoOpModule();
        _directory = Path.Combine(Path.GetTempPath(), "dt-bench-" + Guid.NewGuid().ToString("N"));
    }

    /// <summary>Removes the scratch folder.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>A loop a user would write: enumerate, step, sum the loss.</summary>
    [Benchmark(Baseline = true)]
    public double BareLoop()
    {
        double sum = 0;
        var context = new Testing.CallbackTestHarness(new CallbackCollection()).Context;
        foreach (int batch in (System.Collections.Generic.IEnumerable<int>)_batches)
        {
            sum += _module.TrainingStep(batch, context).Value;
        }

        return sum / Steps;
    }

    /// <summary>Fit with no callbacks.</summary>
    [Benchmark]
    public long FitNoCallbacks() => new Trainer(new TrainerOptions { MaxEpochs = 1 }).Fit(_module, _batches).GlobalStep;

    /// <summary>
    /// Fit with the defaults a run has: progress bar (redirected), learning-rate monitor per step,
    /// early stopping and checkpoints.
    /// </summary>
    [Benchmark]
    public long FitWithDefaultBuiltIns()
    {
        var callbacks = new CallbackCollection
        {
            new ProgressBar(refreshRate: 10, output: TextWriter.Null, interactive: false, showMetrics: false),
            new LearningRateMonitor(LoggingInterval.Step),
            new EarlyStoppingCallback(monitor: "loss", patience: 3),
            // A new callback per invocation into one folder: without the version counter each run
            // overwrites the last one's files instead of adding -v1, -v2, … (thousands of them).
            new CheckpointCallback(_directory, monitor: "loss", enableVersionCounter: false),
        };
        return new Trainer(new TrainerOptions { MaxEpochs = 1 }, callbacks).Fit(_module, _batches).GlobalStep;
    }

    private sealed class NoOpModule : ITrainingModule<int>, ILearningRateControl
    {
        public int GroupCount => 1;

        public StepResult TrainingStep(int batch, TrainerContext context) => new(0.5);

        public StepResult ValidationStep(int batch, TrainerContext context) => new(0.5);

        public double GetLearningRate(int group) => 0.1;

        public void SetLearningRate(int group, double learningRate)
        {
        }

        public bool TryGetMomentum(int group, out double momentum)
        {
            momentum = 0.9;
            return true;
        }
    }
}
