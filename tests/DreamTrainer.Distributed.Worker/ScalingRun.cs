using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using DreamTrainer.Samples.Digits;

namespace DreamTrainer.Distributed.Worker;

/// <summary>
/// The scaling measurement of docs/performance.md: QuickStart's workload (all 1,438 training images,
/// global batch 32, MLP 64-64-10, validation on 359 images) for a number of epochs; each epoch's wall
/// time on rank 0, split into the gradient all-reduce, the trainer's other synchronisation, and the
/// rest. The first epoch (JIT, first touches) is reported apart.
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
        var network = new DigitsMlp(data, hidden: 64, learningRate: 0.05, processGroup: group);

        var epochs = new List<(double Total, double Gradients, double Synchronisation)>();
        long started = 0;
        long gradients = 0;
        long synchronisation = 0;
        var timer = new LambdaCallback
        {
            OnTrainEpochStart = (_, _) =>
            {
                started = Stopwatch.GetTimestamp();
                gradients = group.GradientTicks;
                synchronisation = group.SynchronisationTicks;
            },
            OnTrainEpochEnd = (_, _, _) => epochs.Add((
                Seconds(Stopwatch.GetTimestamp() - started),
                Seconds(group.GradientTicks - gradients),
                Seconds(group.SynchronisationTicks - synchronisation))),
        };
        new Trainer(new TrainerOptions { MaxEpochs = options.Epochs, RunName = "scaling" }, new CallbackCollection { timer })
            .Fit(network, trainLoader, validationLoader);

        if (group.Rank == 0)
        {
            var steady = epochs.Skip(1).ToList();
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"ranks={group.WorldSize} steps/epoch={trainLoader.Count} first_epoch_ms={epochs[0].Total * 1000:F1} "
                + $"epoch_ms={Median(steady, e => e.Total) * 1000:F1} gradient_allreduce_ms={Median(steady, e => e.Gradients) * 1000:F1} "
                + $"trainer_sync_ms={Median(steady, e => e.Synchronisation) * 1000:F1} val_acc={network.Accuracy(validation):F4}"));
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
