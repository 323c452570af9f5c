using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using DreamTrainer;
using DreamTrainer.Samples.Digits;
using DreamTrainer.Samples.TorchSharpDigits;
using DreamTrainer.TorchSharp;
using DreamTrainer.TorchSharp.Overhead;
using static TorchSharp.torch;

// The overhead budget of docs/performance.md: the digits MLP for --epochs epochs, run by each loop of
// --loops in alternating order for --runs rounds after one warm-up round; the median time of each
// and its ratio to the first (the hand-written loop by default).
int epochs = Option("--epochs", 20);
int runs = Option("--runs", 15);

// One intra-op thread by default: the loops then differ only in their own work, not in how the
// scheduler of a loaded machine shares its cores between libtorch's threads.
set_num_threads(Option("--threads", 1));
int at = Array.IndexOf(args, "--dir");
string directory = Path.Combine(at >= 0 && at + 1 < args.Length ? args[at + 1] : Path.GetTempPath(), "dt-overhead-" + Environment.ProcessId);
Device device = Devices.Best();
DigitsData data = DigitsData.Load();
(int[] trainIndices, int[] validationIndices) = data.Split(validationFraction: 0.2, seed: 42);
var train = new DigitsLoader(trainIndices, 32, shuffleSeed: 1);
var validation = new DigitsLoader(validationIndices, 128);

// --callbacks progress,early-stopping,checkpoints,json-log (default: all) measures some of them alone.
int callbacksAt = Array.IndexOf(args, "--callbacks");
string[] chosen = callbacksAt >= 0 && callbacksAt + 1 < args.Length ? args[callbacksAt + 1].Split(',') : new[] { "progress", "early-stopping", "checkpoints", "json-log" };

// --loops hand,trainer,callbacks (default) or any of those and sync: the loops measured, in
// alternation; the first is the baseline of the ratios. The synchronous-writes loop is not in the
// default set: its flushes (five an epoch, on the training thread) disturb the loops run after it in
// the same process, so it is measured in a run of its own (--loops hand,sync).
int loopsAt = Array.IndexOf(args, "--loops");
string[] loopNames = loopsAt >= 0 && loopsAt + 1 < args.Length ? args[loopsAt + 1].Split(',') : new[] { "hand", "trainer", "callbacks" };

// Each run writes into a folder of its own (its loop and round): a run that found another run's
// checkpoints and log in its folder would do other work than the first (warn, version its names).
var variants = loopNames.Select(name => name switch
{
    "hand" => ("hand-written TorchSharp loop", (Func<string, double>)(_ => HandWrittenLoop.Run(data, train, validation, epochs, device))),
    "trainer" => ("trainer + adapter + scheduler", _ => Fit(new CallbackCollection { Scheduler() })),
    "callbacks" => ("trainer + adapter + the sample's callbacks", folder => Fit(SampleCallbacks(folder), background: true)),
    "sync" => ("the same, files written on the training thread", folder => Fit(SampleCallbacks(folder), background: false)),
    _ => throw new ArgumentException($"--loops: unknown loop '{name}' (hand, trainer, callbacks, sync)."),
}).Select(loop => (Name: loop.Item1, Run: loop.Item2)).ToArray();

CallbackCollection SampleCallbacks(string folder)
{
    var callbacks = new CallbackCollection { Scheduler() };
    foreach (string name in chosen)
    {
        callbacks.Add(name switch
        {
            "progress" => new ProgressBar(refreshRate: 10, output: TextWriter.Null, interactive: false),
            "early-stopping" => new EarlyStoppingCallback(monitor: "val_loss", patience: epochs, minDelta: 1e-4, restoreBestWeights: true, output: TextWriter.Null),
            "checkpoints" => new CheckpointCallback(Path.Combine(folder, "checkpoints"), monitor: "val_loss", saveTopK: 2),
            "json-log" => new JsonTrainingLogger(Path.Combine(folder, "log.json"), TextWriter.Null),
            _ => throw new ArgumentException($"--callbacks: unknown callback '{name}' (progress, early-stopping, checkpoints, json-log)."),
        });
    }

    return callbacks;
}

var times = variants.Select(_ => new List<double>()).ToArray();
var losses = variants.Select(_ => double.NaN).ToArray();
try
{
    for (int round = -1; round < runs; round++)
    {
        for (int k = 0; k < variants.Length; k++)
        {
            int v = (Math.Max(round, 0) + k) % variants.Length;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var clock = Stopwatch.StartNew();
            losses[v] = variants[v].Run(Path.Combine(directory, $"loop{v}-round{round}"));
            clock.Stop();
            if (round >= 0)
            {
                times[v].Add(clock.Elapsed.TotalMilliseconds);
            }
        }
    }
}
finally
{
    if (Directory.Exists(directory))
    {
        Directory.Delete(directory, recursive: true);
    }
}

double baseline = Median(times[0]);
Console.WriteLine($"TorchSharp {typeof(Tensor).Assembly.GetName().Version} on {device.type}, {get_num_threads()} intra-op thread(s); files in {Path.GetDirectoryName(directory)}; digits MLP, {epochs} epochs of {train.Count} steps and {validation.Count} validation batches; median of {runs} alternating runs");
// Each round runs every loop back to back, so the ratio within a round is the least disturbed by a
// load that drifts during the measurement: the median of those ratios is the figure to read.
Console.WriteLine("| loop | median ms | ratio of medians | median of per-round ratios | min ms | max ms | last val_loss |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
for (int v = 0; v < variants.Length; v++)
{
    var ratios = times[v].Select((time, round) => time / times[0][round]).ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {variants[v].Name} | {Median(times[v]):F1} | {Median(times[v]) / baseline:F3}x | {Median(ratios):F3}x | {times[v].Min():F1} | {times[v].Max():F1} | {losses[v]:F6} |"));
}

return 0;

double Fit(CallbackCollection callbacks, bool background = false)
{
    using DigitsClassifier module = DigitsClassifier.Create(data, device: device);
    TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = epochs, WriteFilesInBackground = background }, callbacks).Fit(module, train, validation);
    return result.History[^1]["val_loss"];
}

WarmupCosineScheduler Scheduler() => new(baseLearningRate: 0.05, warmupEpochs: 3, totalEpochs: epochs);

static double Median(List<double> values)
{
    double[] sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

int Option(string name, int fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}
