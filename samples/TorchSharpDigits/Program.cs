using System;
using System.IO;
using DreamTrainer;
using DreamTrainer.Samples.Digits;
using DreamTrainer.Samples.TorchSharpDigits;

// QuickStart's run with TorchSharp: the same data, split and callbacks.
string directory = Path.GetFullPath(args.Length > 0 ? args[0] : "artifacts/torchsharp-digits");
Directory.CreateDirectory(directory);
string logPath = Path.Combine(directory, "training_log.json");
DigitsData data = DigitsData.Load();
(int[] train, int[] validation) = data.Split(validationFraction: 0.2, seed: 42);
using DigitsClassifier module = DigitsClassifier.Create(data);
Console.WriteLine($"TorchSharp on {module.Device.type}; {train.Length} training and {validation.Length} validation images.");

const int epochs = 40;
var callbacks = new CallbackCollection
{
    new ProgressBar(refreshRate: 10),
    new WarmupCosineScheduler(baseLearningRate: 0.05, warmupEpochs: 3, totalEpochs: epochs),
    new EarlyStoppingCallback(monitor: "val_loss", patience: 6, minDelta: 1e-4, restoreBestWeights: true, output: Console.Out),
    new CheckpointCallback(Path.Combine(directory, "checkpoints"), monitor: "val_loss", saveTopK: 2),
    new JsonTrainingLogger(logPath, Console.Out),
};
TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = epochs }, callbacks)
    .Fit(module, new DigitsLoader(train, 32, shuffleSeed: 1), new DigitsLoader(validation, 128));
TrainingPlot.WriteSvg(logPath, Path.Combine(directory, "training_plot.svg"), "TorchSharp MLP on UCI digits");

double accuracy = module.Accuracy(validation);
Console.WriteLine($"Run ended: {result.Reason} after {result.EpochsCompleted} epochs; {result.GlobalStep} steps.");
Console.WriteLine($"Validation accuracy: {accuracy:P2}; loss reads (device syncs): {module.LossReads} for {result.GlobalStep} steps.");
Console.WriteLine($"Artifacts: {directory}");
return accuracy > 0.9 ? 0 : 1;
