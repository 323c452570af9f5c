using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using DreamTrainer.Samples.Digits;

namespace DreamTrainer.Distributed.Worker;

/// <summary>
/// The scaling measurement of docs/performance.md: QuickStart's workload (all 1,438 training images,
/// global batch 32, an MLP 64-H-10, validation on 359 images). A warm-up run of 5 epochs lets the
/// JIT settle (as BenchmarkDotNet's warm-up does); then each epoch of the measured run is timed on
/// rank 0: wall time, the training steps, validation, the gradient all-reduces and the trainer's own
/// synchronisation. Medians over the measured epochs.
/// </summary>
internal static class ScalingRun
{
    public static int Run(WorkerOptions options)
    {
        using MpiProcessGroup mpi = MpiProcessGroup.Initialize(options.Mpi());
        var group = new TimedProcessGroup(mpi);
        DigitsData data = DigitsData.Load();
        (int[] train, int[] validation) = data.Split(validationFraction: 0.2, seed: 42);
        var trainLoader = new DigitsLoader(train, options.BatchSize, shuffleSeed: 1, processGroup: group);
        var validationLoader = new DigitsLoader(validation, batchSize: 128, processGroup: group);
        new Trainer(new TrainerOptions { MaxEpochs = 5, RunName = "warm-up" })
            .Fit(new DigitsMlp(data, hidden: options.Hidden, learningRate: 0.05, processGroup: group), trainLoader, validationLoader);
        var network = new DigitsMlp(data, hidden: options.Hidden, learningRate: 0.05, processGroup: group);

        var epochs = new List<(double Total, double Steps, double Validation, double Gradients, double Synchronisation)>();
        long started = 0;
        long gradients = 0;
        long synchronisation = 0;
        long stepStarted = 0;
        long steps = 0;
        long validationStarted = 0;
        long validating = 0;
        var timer = new LambdaCallback
        {
            OnTrainEpochStart = (_, _) =>
            {
                started = Stopwatch.GetTimestamp();
                gradients = group.GradientTicks;
                synchronisation = group.SynchronisationTicks;
                steps = 0;
                validating = 0;
            },
            OnTrainBatchStart = (_, _, _) => stepStarted = Stopwatch.GetTimestamp(),
            OnTrainBatchEnd = (TrainerContext _, in StepOutput _, int _, long _) => steps += Stopwatch.GetTimestamp() - stepStarted,
            OnValidationStart = _ => validationStarted = Stopwatch.GetTimestamp(),
            OnValidationEnd = _ => validating += Stopwatch.GetTimestamp() - validationStarted,
            OnTrainEpochEnd = (_, _, _) => epochs.Add((
                Seconds(Stopwatch.GetTimestamp() - started),
                Seconds(steps),
                Seconds(validating),
                Seconds(group.GradientTicks - gradients),
                Seconds(group.SynchronisationTicks - synchronisation))),
        };
        new Trainer(new TrainerOptions { MaxEpochs = options.Epochs, RunName = "scaling" }, new CallbackCollection { timer })
            .Fit(network, trainLoader, validationLoader);

        if (group.Rank == 0)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"ranks={group.WorldSize} hidden={options.Hidden} steps/epoch={trainLoader.Count} "
                + $"epoch_ms={Median(epochs, e => e.Total) * 1000:F1} steps_ms={Median(epochs, e => e.Steps) * 1000:F1} validation_ms={Median(epochs, e => e.Validation) * 1000:F1} "
                + $"gradient_allreduce_ms={Median(epochs, e => e.Gradients) * 1000:F1} trainer_sync_ms={Median(epochs, e => e.Synchronisation) * 1000:F1} val_acc={network.Accuracy(validation):F4}"));
        }

        return 0;
    }

    private static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;

    private static double Median<T>(List<T> values, Func<T, double> select)
    {
        double[] sorted = values.Select(select).Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }
}
