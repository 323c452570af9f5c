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
    internal static void Write(string path, TrainerContext context, ICallbackDispatcher callbacks) => Write(new[] { path }, context, callbacks);

    /// <summary>Writes the state of a run into each of <paramref name="paths"/> atomically, in order; the state is taken once.</summary>
    internal static void Write(IReadOnlyList<string> paths, TrainerContext context, ICallbackDispatcher callbacks)
    {
        var entries = new CheckpointEntries();
        JsonObject manifest = BuildManifest(context, callbacks, entries);
        IModelStateControl? modelState = context.ModelState;
        RunFiles files = context.Files;
        if (!files.InBackground)
        {
            // The engine writes straight into the archive: a large model is never held in memory
            // twice. Further files copy the first, now in place, rather than read the state again.
            string first = paths[0];
            files.Write(first, stream => Assemble(stream, manifestStream => WriteManifest(manifestStream, manifest), modelState is null ? null : modelState.Save, entries.Pending));
            for (int i = 1; i < paths.Count; i++)
            {
                files.Write(paths[i], stream =>
                {
                    using var written = new FileStream(first, FileMode.Open, FileAccess.Read, FileShare.Read);
                    written.CopyTo(stream);
                });
            }

            return;
        }

        // In the background: the state is taken now (the engine's Save on this thread, where its
        // tensors live), the archive is assembled and written on the background thread.
        Action<Stream>? model = modelState is null ? null : Taken(modelState.Save);
        var taken = new List<(string Name, Action<Stream> Write)>(entries.Pending.Count);
        foreach ((string name, Action<Stream> write) in entries.Pending)
        {
            taken.Add((name, Taken(write)));
        }

        // The manifest is serialized on the background thread: its tree was built for this save
        // (callbacks write values into it, never nodes of their own) and nothing changes it after.
        foreach (string path in paths)
        {
            files.WriteLater(path, stream => Assemble(stream, manifestStream => WriteManifest(manifestStream, manifest), model, taken));
        }
    }

    private static void WriteManifest(Stream stream, JsonObject manifest)
    {
        using var writer = new Utf8JsonWriter(stream, JsonText.Indented);
        manifest.WriteTo(writer);
    }

    /// <summary>Runs <paramref name="write"/> now into memory; the result copies those bytes.</summary>
    private static Action<Stream> Taken(Action<Stream> write)
    {
        var bytes = new MemoryStream();
        write(bytes);
        return stream => bytes.WriteTo(stream);
    }

    /// <summary>
    /// The archive: the manifest, the model, the callbacks' snapshot entries. Tensors are stored
    /// uncompressed, as <c>torch.save</c> and Keras store them: trained floating-point weights
    /// shrink by a few percent under deflate, for a pass of compression per save.
    /// </summary>
    private static void Assemble(Stream stream, Action<Stream> manifest, Action<Stream>? model, IReadOnlyList<(string Name, Action<Stream> Write)> entries)
    {
        using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        using (Stream manifestStream = archive.CreateEntry(CheckpointArchive.ManifestEntry, CompressionLevel.Optimal).Open())
        {
            manifest(manifestStream);
        }

        if (model is not null)
        {
            using Stream modelStream = archive.CreateEntry(CheckpointArchive.ModelEntry, CompressionLevel.NoCompression).Open();
            model(modelStream);
        }

        foreach ((string name, Action<Stream> write) in entries)
        {
            using Stream snapshotStream = archive.CreateEntry(name, CompressionLevel.NoCompression).Open();
            write(snapshotStream);
        }
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
