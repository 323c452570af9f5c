using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DreamTrainer;

/// <summary>Writing a checkpoint: the manifest, the model streamed from the engine, the callbacks' snapshots.</summary>
public sealed partial class CheckpointFile
{
    /// <summary>Writes the state of a run into <paramref name="path"/> atomically.</summary>
    internal static void Write(string path, TrainerContext context, ICallbackDispatcher callbacks)
    {
        var entries = new CheckpointEntries();
        JsonObject manifest = BuildManifest(context, callbacks, entries);
        IModelStateControl? modelState = context.ModelState;
        context.Files.Write(path, stream =>
        {
            using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            ZipArchiveEntry entry = archive.CreateEntry(CheckpointArchive.ManifestEntry, CompressionLevel.Optimal);
            using (Stream manifestStream = entry.Open())
            using (var writer = new Utf8JsonWriter(manifestStream, JsonText.Indented))
            {
                manifest.WriteTo(writer);
            }

            // The engine writes straight into the archive: a large model is never held in memory twice.
            if (modelState is not null)
            {
                using Stream modelStream = archive.CreateEntry(CheckpointArchive.ModelEntry, CompressionLevel.Fastest).Open();
                modelState.Save(modelStream);
            }

            foreach ((string name, Action<Stream> write) in entries.Pending)
            {
                using Stream snapshotStream = archive.CreateEntry(name, CompressionLevel.Fastest).Open();
                write(snapshotStream);
            }
        });
    }

    private static JsonObject BuildManifest(TrainerContext context, ICallbackDispatcher callbacks, CheckpointEntries entries)
    {
        var manifest = new JsonObject
        {
            ["format"] = FormatTag,
            ["version"] = CurrentVersion,
            ["epochsCompleted"] = context.EpochsCompleted,
            ["globalStep"] = context.GlobalStep,
            ["savedAt"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };

        var metrics = new CallbackStateWriter();
        foreach (KeyValuePair<string, double> metric in context.Metrics)
        {
            metrics.Write(metric.Key, metric.Value);
        }

        manifest["metrics"] = metrics.Target;
        if (context.LearningRates is { } learningRates)
        {
            var rates = new JsonArray();
            for (int group = 0; group < learningRates.GroupCount; group++)
            {
                rates.Add(CallbackStateWriter.EncodeDouble(learningRates.GetLearningRate(group)));
            }

            manifest["learningRates"] = rates;
        }

        manifest["run"] = RunState(context);
        manifest["epoch"] = EpochState(context);
        var states = new CallbackStateWriter(new JsonObject(), entries);
        callbacks.OnSaveState(context, states);
        manifest["callbacks"] = states.Target;
        return manifest;
    }

    /// <summary>Whether the run ends at this point and why, and the stop requests that decide it.</summary>
    private static JsonObject RunState(TrainerContext context)
    {
        bool betweenEpochs = context.Progress.Point == EpochPoint.None;
        string? ended = null;
        if (context.StopRequested && (context.ImmediateStopRequested || (betweenEpochs && context.CanStopEarly)))
        {
            ended = nameof(TrainEndReason.Stopped);
        }
        else if (betweenEpochs && (context.EpochsCompleted >= context.MaxEpochs || (context.MaxSteps > 0 && context.GlobalStep >= context.MaxSteps)))
        {
            ended = nameof(TrainEndReason.Completed);
        }

        var reasons = new JsonArray();
        foreach (string reason in context.StopReasons)
        {
            reasons.Add((JsonNode)JsonValue.Create(reason));
        }

        return new JsonObject
        {
            ["ended"] = ended,
            ["stopReasons"] = reasons,
            ["stopImmediately"] = context.ImmediateStopRequested,
            ["checkpointRequested"] = context.CheckpointRequested,
        };
    }

    /// <summary>The part of the current epoch done, when the checkpoint is written inside one.</summary>
    private static JsonObject? EpochState(TrainerContext context)
    {
        EpochProgress progress = context.Progress;
        if (progress.Point == EpochPoint.None)
        {
            return null;
        }

        (double sum, double weight) = progress.TrainLoss.Settle();
        return new JsonObject
        {
            ["point"] = progress.Point.ToString().ToLowerInvariant(),
            ["batchesDone"] = progress.BatchesDone,
            ["lossSum"] = CallbackStateWriter.EncodeDouble(sum),
            ["lossWeight"] = CallbackStateWriter.EncodeDouble(weight),
            ["validationEpoch"] = context.IsValidationEpoch,
            ["metrics"] = context.MetricsStore.SaveAccumulators(),
        };
    }
}
