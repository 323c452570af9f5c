using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DreamTrainer.CrashWorker;

/// <summary>
/// One training run of the worker in a folder: every file-writing built-in (checkpoints top-2 by
/// val_loss with last.ckpt and the manifest, early stopping restoring the best weights, the plateau
/// scheduler, JSON and CSV logs) plus a checkpoint the trainer writes every 3 steps, inside epochs.
/// Validation every 2 epochs makes the CSV's columns change. Fresh, or resumed from the newest
/// checkpoint the folder holds; at the end the final state goes to <c>result.json</c>.
/// </summary>
public static class WorkerRun
{
    public const string ResultFile = "result.json";

    /// <summary>Set to 1: the run writes its files in the background.</summary>
    public const string BackgroundVariable = "DREAMTRAINER_CRASH_BACKGROUND";

    public static void Train(string folder, bool resume)
    {
        string checkpoints = Path.Combine(folder, "checkpoints");
        string requested = Path.Combine(folder, "requested");
        var stop = new EarlyStoppingCallback("val_loss", patience: 2, restoreBestWeights: true);
        var plateau = new ReduceLROnPlateau("val_loss", factor: 0.5, patience: 1, minDelta: 0);
        var checkpoint = new CheckpointCallback(checkpoints, "val_loss", saveTopK: 2, fileNameTemplate: "epoch={epoch:D2}-val_loss={val_loss:F4}");
        var every3Steps = new LambdaCallback
        {
            StateKey = "every3Steps",
            OnTrainBatchEnd = (TrainerContext context, in StepOutput _, int _, long _) =>
            {
                if (context.GlobalStep % 3 == 0)
                {
                    context.RequestCheckpoint();
                }
            },
        };
        var callbacks = new CallbackCollection
        {
            stop,
            plateau,
            new JsonTrainingLogger(Path.Combine(folder, "training_log.json")),
            new CsvLogger(Path.Combine(folder, "training_log.csv")),
            checkpoint,
            every3Steps,
        };
        var options = new TrainerOptions
        {
            MaxEpochs = 30,
            ValidateEveryNEpochs = 2,
            CheckpointDirectory = requested,
            RunName = "crash",
            WriteFilesInBackground = Environment.GetEnvironmentVariable(BackgroundVariable) == "1",
        };
        var trainer = new Trainer(options, callbacks);
        var module = new LinearModule();
        Batch[] train = LinearModule.TrainData(5, 8);
        Batch[] validation = LinearModule.ValidationData(2, 8);
        string? from = resume ? NewestCheckpoint(folder) : null;
        TrainResult result = from is null ? trainer.Fit(module, train, validation) : trainer.Resume(from, module, train, validation);

        var state = new JsonObject
        {
            ["resumedFrom"] = from is null ? null : Path.GetRelativePath(folder, from),
            ["reason"] = result.Reason.ToString(),
            ["stopReason"] = result.StopReason,
            ["epochsCompleted"] = result.EpochsCompleted,
            ["globalStep"] = result.GlobalStep,
            ["stoppedEpoch"] = stop.StoppedEpoch,
            ["bestEpoch"] = stop.BestEpoch,
            ["best"] = stop.Best,
            ["earlyStoppingWait"] = stop.Wait,
            ["plateauWait"] = plateau.Wait,
            ["plateauCooldown"] = plateau.CooldownCounter,
            ["plateauBest"] = plateau.Best,
            ["learningRate"] = module.Rate,
            ["weightsHash"] = module.WeightsHash(),
        };
        File.WriteAllText(Path.Combine(folder, ResultFile), state.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>The newest checkpoint of the folder, as an operator picks it: the most steps, then the most epochs, then last.ckpt.</summary>
    public static string? NewestCheckpoint(string folder)
    {
        string? best = null;
        (long Step, int Epochs, int Last) bestKey = (-1, -1, -1);
        foreach (string sub in new[] { "checkpoints", "requested" })
        {
            string directory = Path.Combine(folder, sub);
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (string path in Directory.EnumerateFiles(directory, "*.ckpt").Order(StringComparer.Ordinal))
            {
                CheckpointFile file = CheckpointFile.Read(path);
                var key = (file.GlobalStep, file.EpochsCompleted, Path.GetFileName(path) == CheckpointCallback.LastFileName ? 1 : 0);
                if (key.CompareTo(bestKey) > 0)
                {
                    bestKey = key;
                    best = path;
                }
            }
        }

        return best;
    }

    /// <summary>Everything a run leaves on disk and in <c>result.json</c>, without timestamps and timings, for comparing two runs.</summary>
    public static JsonObject FinalState(string folder)
    {
        JsonObject result = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, ResultFile)))!.AsObject();
        result.Remove("resumedFrom");
        var jsonRows = new JsonArray();
        foreach (JsonNode? row in JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "training_log.json")))!.AsArray())
        {
            var sorted = new JsonObject();
            foreach (KeyValuePair<string, JsonNode?> field in row!.AsObject().OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                if (field.Key != "timestamp")
                {
                    sorted[field.Key] = field.Value?.DeepClone();
                }
            }

            jsonRows.Add((JsonNode)sorted);
        }

        JsonObject summary = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "training_log.summary.json")))!.AsObject();
        summary.Remove("total_training_time_seconds");
        var finalMetrics = new JsonObject();
        foreach (KeyValuePair<string, JsonNode?> metric in summary["final_metrics"]!.AsObject().OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            finalMetrics[metric.Key] = metric.Value?.DeepClone();
        }

        summary["final_metrics"] = finalMetrics;
        result["jsonLog"] = jsonRows;
        result["summary"] = summary;
        result["csvLog"] = File.ReadAllText(Path.Combine(folder, "training_log.csv"));
        result["checkpoints"] = Files(Path.Combine(folder, "checkpoints"));
        result["requested"] = Files(Path.Combine(folder, "requested"));
        result["manifest"] = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "checkpoints", CheckpointCallback.ManifestFileName)));
        return result;
    }

    /// <summary>Each file of a folder with what a checkpoint says of itself (epochs, steps, end).</summary>
    private static JsonObject Files(string directory)
    {
        var files = new JsonObject();
        foreach (string path in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            if (name.EndsWith(".ckpt", StringComparison.Ordinal))
            {
                CheckpointFile file = CheckpointFile.Read(path);
                files[name] = string.Create(CultureInfo.InvariantCulture, $"epochs={file.EpochsCompleted} steps={file.GlobalStep} ended={file.EndReason} midEpoch={file.IsMidEpoch}");
            }
            else
            {
                files[name] = "present";
            }
        }

        return files;
    }
}
