using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using DreamTrainer.Samples.Digits;

namespace DreamTrainer.Distributed.Worker;

/// <summary>What one rank ended with: the run's result, what its epoch-end hooks saw, and its final weights.</summary>
/// <param name="Rank">The rank.</param>
/// <param name="WorldSize">The number of ranks.</param>
/// <param name="Reason">Why the run ended.</param>
/// <param name="StopReason">The stop reason, if any.</param>
/// <param name="EpochsCompleted">Epochs trained in all.</param>
/// <param name="GlobalStep">Steps trained in all.</param>
/// <param name="EpochMetrics">The metrics each OnTrainEpochEnd saw on this rank.</param>
/// <param name="Weights">The network's state (DigitsMlp.Save), base64.</param>
public sealed record RankResult(
    int Rank,
    int WorldSize,
    string Reason,
    string? StopReason,
    int EpochsCompleted,
    long GlobalStep,
    List<Dictionary<string, double>> EpochMetrics,
    string Weights);

/// <summary>The digits MLP trained data-parallel with the built-in side-effect callbacks and injected events.</summary>
public static class TrainingRun
{
    /// <summary>One rank's part of a job started by mpirun: trains, writes rank{r}.result.json or rank{r}.error.txt.</summary>
    public static int RunUnderMpi(WorkerOptions options)
    {
        using MpiProcessGroup group = MpiProcessGroup.Initialize(options.Mpi());
        Directory.CreateDirectory(options.Output);
        try
        {
            RankResult result = Train(options, group);
            File.WriteAllText(Path.Combine(options.Output, $"rank{group.Rank}.result.json"), JsonSerializer.Serialize(result));
            return 0;
        }
        catch (Exception failure)
        {
            string line = $"rank {group.Rank}: {failure.GetType().Name}: {failure.Message}";
            File.WriteAllText(Path.Combine(options.Output, $"rank{group.Rank}.error.txt"), line);
            Console.Error.WriteLine(line);
            return 1;
        }
    }

    /// <summary>Trains on <paramref name="group"/>'s ranks (a single process with <see cref="SingleProcessGroup"/>).</summary>
    public static RankResult Train(WorkerOptions options, IProcessGroup group)
    {
        DigitsData data = DigitsData.Load();
        (int[] train, int[] validation) = data.Split(validationFraction: 0.2, seed: 42);
        train = train[..Math.Min(options.TrainImages, train.Length)];
        validation = validation[..Math.Min(options.ValidationImages, validation.Length)];
        var trainLoader = new DigitsLoader(train, options.BatchSize, shuffleSeed: 1, processGroup: group);
        var validationLoader = new DigitsLoader(validation, batchSize: 64, processGroup: group);
        var network = new DigitsMlp(data, hidden: options.Hidden, learningRate: 0.05, processGroup: group);
        ITrainingModule<DigitsBatch> module = new InjectingModule(network, options, group.Rank);

        string artifacts = options.ArtifactsPerRank ? Path.Combine(options.Output, $"rank{group.Rank}") : options.Output;
        var epochMetrics = new List<Dictionary<string, double>>();
        var callbacks = new CallbackCollection
        {
            new ProgressBar(output: Console.Out, interactive: false, redirectedIntervalSeconds: 0),
            new WarmupCosineScheduler(baseLearningRate: 0.05, warmupEpochs: 1, totalEpochs: Math.Max(2, options.ScheduleEpochs > 0 ? options.ScheduleEpochs : options.Epochs)),
            new JsonTrainingLogger(Path.Combine(artifacts, "training_log.json")),
            new LambdaCallback
            {
                StateKey = "probe",
                OnTrainEpochEnd = (context, epoch, metrics) =>
                {
                    epochMetrics.Add(metrics.ToDictionary());
                    if (context.Rank == options.StopRank && epoch == options.StopEpoch)
                    {
                        context.RequestStop($"rank {context.Rank} decided to stop at the end of epoch {epoch}");
                    }
                },
                OnTrainBatchEnd = (TrainerContext context, in StepOutput output, int batchIndex, long globalStep) =>
                {
                    if (context.Rank == options.StopRank && globalStep == options.StopStep)
                    {
                        context.RequestStop($"rank {context.Rank} decided to stop after step {globalStep}");
                    }
                },
            },
        };
        if (options.Checkpoints)
        {
            callbacks.Add(new CheckpointCallback(Path.Combine(artifacts, "checkpoints"), monitor: "val_loss", saveTopK: 1, fileNameTemplate: "epoch={epoch}"));
        }

        var trainer = new Trainer(new TrainerOptions { MaxEpochs = options.Epochs, RunName = "worker" }, callbacks);
        TrainResult result = options.Resume is { } checkpoint
            ? trainer.Resume(checkpoint, module, trainLoader, validationLoader)
            : trainer.Fit(module, trainLoader, validationLoader);

        using var weights = new MemoryStream();
        network.Save(weights);
        return new RankResult(group.Rank, group.WorldSize, result.Reason.ToString(), result.StopReason, result.EpochsCompleted, result.GlobalStep, epochMetrics, Convert.ToBase64String(weights.ToArray()));
    }
}
