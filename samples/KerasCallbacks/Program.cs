using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using DreamTrainer;
using DreamTrainer.Samples.Digits;
using DreamTrainer.Samples.KerasCallbacks;

// The Keras custom-callbacks exercise in C#: a StepLR scheduler that prints its reductions,
// a JSON training log, early stopping with restore-best-weights, and the warm-up cosine bonus.
string directory = Path.GetFullPath(args.Length > 0 ? args[0] : "artifacts/keras-callbacks");
Directory.CreateDirectory(directory);
TextWriter output = Console.Out;
DigitsData data = DigitsData.Load();
(int[] trainIndices, int[] validationIndices) = data.Split(0.2, seed: 42);

var rows = new List<string[]>();

// Part 1: StepLR (halve every 5 epochs) + JSON log + early stopping, in one pipeline.
output.WriteLine("== ExerciseStepLR(factor 0.5, every 5 epochs) + JsonTrainingLogger + EarlyStopping(restore best)");
var stepLr = new ExerciseStepLR(factor: 0.5, stepEpochs: 5, output: output);
rows.Add(Run("StepLR", stepLr, Path.Combine(directory, "steplr_log.json")));
output.WriteLine("Learning-rate history: " + string.Join(", ", stepLr.History.Select(lr => lr.ToString("0.######", CultureInfo.InvariantCulture))));

// Part 2 (bonus): warm-up cosine.
output.WriteLine();
output.WriteLine("== Bonus: WarmupCosineScheduler(base 0.1, warm-up 5, total 40) + JsonTrainingLogger + EarlyStopping");
var cosine = new WarmupCosineScheduler(baseLearningRate: 0.1, warmupEpochs: 5, totalEpochs: 40);
rows.Add(Run("WarmupCosine", cosine, Path.Combine(directory, "cosine_log.json")));

output.WriteLine();
output.WriteLine("Results");
string[] header = { "Schedule", "Epochs before early stopping", "Stopped early", "Final LR", "Best val_loss", "Val accuracy", "Plot" };
int[] widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
output.WriteLine("| " + string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))) + " |");
output.WriteLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
foreach (string[] row in rows)
{
    output.WriteLine("| " + string.Join(" | ", row.Select((c, i) => c.PadRight(widths[i]))) + " |");
}

return 0;

string[] Run(string name, ICallback schedule, string logPath)
{
    var model = new DigitsMlp(data, hidden: 64, learningRate: 0.1);
    var callbacks = new ExerciseCallbacks(schedule, logPath, output);
    var trainer = new Trainer(new TrainerOptions { MaxEpochs = 40 }, callbacks);
    TrainResult result = trainer.Fit(model, new DigitsLoader(trainIndices, 32, shuffleSeed: 1), new DigitsLoader(validationIndices, 128));
    string plot = Path.ChangeExtension(logPath, ".svg");
    TrainingPlot.WriteSvg(logPath, plot, $"{name}: loss and val_loss");
    return new[]
    {
        name,
        result.EpochsCompleted.ToString(CultureInfo.InvariantCulture),
        result.Reason == TrainEndReason.Stopped ? $"yes (epoch {callbacks.Stop.StoppedEpoch + 1})" : "no",
        model.LearningRate.ToString("0.######", CultureInfo.InvariantCulture),
        (callbacks.Stop.Best ?? double.NaN).ToString("F4", CultureInfo.InvariantCulture),
        model.Accuracy(validationIndices).ToString("P2", CultureInfo.InvariantCulture),
        Path.GetFileName(plot),
    };
}
