using System;
using System.IO;
using System.Linq;
using DreamTrainer;
using DreamTrainer.Samples.Digits;
using DreamTrainer.Samples.TorchSharpDigits;

// QuickStart's run with TorchSharp: the same data, split and callbacks.
//   dotnet run --project samples/TorchSharpDigits [-- DIR] [--distributed]
// With --distributed under mpirun each rank trains on its shard of every batch; gradients are
// all-reduced through the host (MPI), not between GPUs (NCCL is not provided).
bool distributed = args.Contains("--distributed");
string[] folders = args.Where(arg => arg != "--distributed").ToArray();
string directory = Path.GetFullPath(folders.Length > 0 ? folders[0] : "artifacts/torchsharp-digits");
using MpiProcessGroup? group = distributed ? MpiProcessGroup.Initialize() : null;
TextWriter output = group is { Rank: not 0 } ? TextWriter.Null : Console.Out;
Directory.CreateDirectory(directory);
string logPath = Path.Combine(directory, "training_log.json");
string checkpoints = Path.Combine(directory, "checkpoints");

// Each run starts with a clean checkpoint folder (it is this sample's own), as QuickStart's does,
// so no -v1 suffixes pile up across runs.
if (group is not { Rank: not 0 } && Directory.Exists(checkpoints))
{
    Directory.Delete(checkpoints, recursive: true);
}

DigitsData data = DigitsData.Load();
(int[] train, int[] validation) = data.Split(validationFraction: 0.2, seed: 42);
using DigitsClassifier module = DigitsClassifier.Create(data, processGroup: group);
output.WriteLine($"TorchSharp on {module.Device.type}; {train.Length} training and {validation.Length} validation images{(group is null ? string.Empty : $"; {group.WorldSize} ranks")}.");

const int epochs = 40;
var callbacks = new CallbackCollection
{
    new ProgressBar(refreshRate: 10, output: output),
    new WarmupCosineScheduler(baseLearningRate: 0.05, warmupEpochs: 3, totalEpochs: epochs),
    new EarlyStoppingCallback(monitor: "val_loss", patience: 6, minDelta: 1e-4, restoreBestWeights: true, output: output),
    new CheckpointCallback(checkpoints, monitor: "val_loss", saveTopK: 2),
    new JsonTrainingLogger(logPath, output),
};
// Checkpoints and the log are written on a background thread, in order and atomically; what they hold is taken here, on the training thread.
TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = epochs, WriteFilesInBackground = true }, callbacks)
    .Fit(module, new DigitsLoader(train, 32, shuffleSeed: 1, processGroup: group), new DigitsLoader(validation, 128, processGroup: group));
if (group is not { Rank: not 0 })
{
    TrainingPlot.WriteSvg(logPath, Path.Combine(directory, "training_plot.svg"), "TorchSharp MLP on UCI digits");
}

double accuracy = module.Accuracy(validation);
output.WriteLine($"Run ended: {result.Reason} after {result.EpochsCompleted} epochs; {result.GlobalStep} steps.");
output.WriteLine($"Validation accuracy: {accuracy:P2}; device syncs: {module.DeviceSyncs} for {result.GlobalStep} steps ({module.LossReads} loss reads, {module.NormReads} norm reads, {module.BlockingCopies} blocking copies, the rest validation-accuracy reads).");
output.WriteLine($"Artifacts: {directory}");
return accuracy > 0.9 ? 0 : 1;
