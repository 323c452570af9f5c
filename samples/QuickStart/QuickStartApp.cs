using System;
using System.IO;
using DreamTrainer.Samples.Digits;

namespace DreamTrainer.Samples.QuickStart;

/// <summary>What the QuickStart run takes.</summary>
/// <param name="Epochs">The epoch budget.</param>
/// <param name="OutputDirectory">Where checkpoints, the JSON log and the plot go.</param>
public sealed record QuickStartOptions(int Epochs = 40, string OutputDirectory = "artifacts/quickstart");

/// <summary>What the QuickStart run produced.</summary>
/// <param name="ValidationAccuracy">Accuracy on the held-out images, with the best weights restored.</param>
/// <param name="Result">The trainer's result.</param>
/// <param name="LogPath">The JSON training log.</param>
/// <param name="PlotPath">The SVG plot of the log.</param>
/// <param name="CheckpointDirectory">The checkpoints.</param>
public sealed record QuickStartResult(double ValidationAccuracy, TrainResult Result, string LogPath, string PlotPath, string CheckpointDirectory);

/// <summary>
/// Trains a 64-64-10 perceptron on the UCI digits (80/20 split) with a progress bar, a warm-up
/// cosine learning-rate schedule, early stopping that restores the best weights, checkpoints, a
/// JSON and a CSV log, then plots the log. With a process group of several ranks (mpirun) each
/// rank trains on its shard of every batch, and rank 0 alone prints and writes.
/// </summary>
public static class QuickStartApp
{
    /// <summary>Runs the sample.</summary>
    /// <param name="options">Epochs and output folder.</param>
    /// <param name="output">Where to print (rank 0; other ranks print nothing).</param>
    /// <param name="processGroup">The ranks training together; null: this process alone.</param>
    /// <returns>The accuracy and where the artifacts are.</returns>
    public static QuickStartResult Run(QuickStartOptions options, TextWriter output, IProcessGroup? processGroup = null)
    {
        IProcessGroup group = processGroup ?? SingleProcessGroup.Instance;
        output = group.Rank == 0 ? output : TextWriter.Null;
        string directory = Path.GetFullPath(options.OutputDirectory);
        Directory.CreateDirectory(directory);
        string logPath = Path.Combine(directory, "training_log.json");
        string csvPath = Path.Combine(directory, "training_log.csv");
        string plotPath = Path.Combine(directory, "training_plot.svg");
        string checkpoints = Path.Combine(directory, "checkpoints");

        // Each run starts with a clean checkpoint folder (it is this sample's own), so the names
        // printed below are this run's and no -v1 suffixes pile up across runs.
        if (group.Rank == 0 && Directory.Exists(checkpoints))
        {
            Directory.Delete(checkpoints, recursive: true);
        }

        DigitsData data = DigitsData.Load();
        (int[] trainIndices, int[] validationIndices) = data.Split(validationFraction: 0.2, seed: 42);
        var train = new DigitsLoader(trainIndices, batchSize: 32, shuffleSeed: 1, processGroup: group);
        var validation = new DigitsLoader(validationIndices, batchSize: 128, processGroup: group);
        var model = new DigitsMlp(data, hidden: 64, learningRate: 0.05, processGroup: group);
        string ranks = group.WorldSize > 1 ? $"; {group.WorldSize} ranks, each a shard of every batch of 32" : string.Empty;
        output.WriteLine($"Digits: {train.Images} training and {validation.Images} validation images; MLP 64-64-10; up to {options.Epochs} epochs{ranks}.");

        var checkpointing = new CheckpointCallback(checkpoints, monitor: "val_loss", saveTopK: 2, fileNameTemplate: "epoch={epoch:D2}-val_loss={val_loss:F4}");
        var callbacks = new CallbackCollection
        {
            new ProgressBar(refreshRate: 5, output: output),
            new WarmupCosineScheduler(baseLearningRate: 0.05, warmupEpochs: 3, totalEpochs: options.Epochs),
            new EarlyStoppingCallback(monitor: "val_loss", patience: 6, minDelta: 1e-4, restoreBestWeights: true, output: output),
            checkpointing,
            new JsonTrainingLogger(logPath, output),
            new CsvLogger(csvPath),
        };
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = options.Epochs }, callbacks);
        TrainResult result = trainer.Fit(model, train, validation);

        if (group.Rank == 0)
        {
            TrainingPlot.WriteSvg(logPath, plotPath, "QuickStart: MLP on UCI digits");
        }

        double accuracy = model.Accuracy(validationIndices);
        output.WriteLine();
        output.WriteLine($"Run ended: {result.Reason} after {result.EpochsCompleted} epochs{(result.StopReason is { } why ? $" ({why})" : string.Empty)}.");
        output.WriteLine($"Validation accuracy: {accuracy:P2} ({accuracy:F4}) on {validationIndices.Length} held-out images.");
        output.WriteLine("Artifacts:");
        output.WriteLine($"  checkpoints   {checkpoints} (best: {Path.GetFileName(checkpointing.BestPath)})");
        output.WriteLine($"  JSON log      {logPath}");
        output.WriteLine($"  CSV log       {csvPath}");
        output.WriteLine($"  plot (SVG)    {plotPath}");
        return new QuickStartResult(accuracy, result, logPath, plotPath, checkpoints);
    }
}
