using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DreamTrainer;

/// <summary>
/// The checkpoint format, version 1: a zip archive with
/// <c>checkpoint.json</c> (format tag, version, epochs completed, global step, the epoch's
/// metrics, and each callback's state under its state key) and, when the engine has a
/// model-state seam, <c>model.bin</c> (the engine's own bytes). Written atomically.
/// </summary>
public sealed class CheckpointFile
{
    /// <summary>The value of <c>format</c> in <c>checkpoint.json</c>.</summary>
    public const string FormatTag = "DreamTrainer.Checkpoint";

    /// <summary>The version this runtime writes and reads.</summary>
    public const int CurrentVersion = 1;

    private const string ManifestEntry = "checkpoint.json";
    private const string ModelEntry = "model.bin";

    private CheckpointFile(int epochsCompleted, long globalStep, Dictionary<string, double> metrics, JsonObject callbacks, byte[]? model, double[] learningRates)
    {
        LearningRates = learningRates;
        EpochsCompleted = epochsCompleted;
        GlobalStep = globalStep;
        Metrics = metrics;
        CallbackStates = callbacks;
        ModelBytes = model;
    }

    /// <summary>Epochs completed when the checkpoint was written; a resumed run starts at this epoch.</summary>
    public int EpochsCompleted { get; }

    /// <summary>Training steps taken when the checkpoint was written.</summary>
    public long GlobalStep { get; }

    /// <summary>The metrics at the time of writing.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; }

    /// <summary>The state keys of the callbacks stored.</summary>
    public IEnumerable<string> CallbackKeys
    {
        get
        {
            foreach (KeyValuePair<string, JsonNode?> entry in CallbackStates)
            {
                yield return entry.Key;
            }
        }
    }

    /// <summary>The learning rate of each parameter group when the checkpoint was written (empty without a learning-rate seam).</summary>
    public IReadOnlyList<double> LearningRates { get; }

    internal JsonObject CallbackStates { get; }

    internal byte[]? ModelBytes { get; }

    /// <summary>Reads a checkpoint.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The checkpoint.</returns>
    /// <exception cref="InvalidDataException">The file is not a checkpoint of a version this runtime reads.</exception>
    public static CheckpointFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using ZipArchive archive = ZipFile.OpenRead(path);
        ZipArchiveEntry manifestEntry = archive.GetEntry(ManifestEntry)
            ?? throw new InvalidDataException($"'{path}' is not a DreamTrainer checkpoint: it has no {ManifestEntry}.");
        JsonObject manifest;
        using (Stream stream = manifestEntry.Open())
        {
            manifest = JsonNode.Parse(stream)?.AsObject() ?? throw new InvalidDataException($"'{path}': {ManifestEntry} is empty.");
        }

        string? format = manifest["format"]?.GetValue<string>();
        int version = manifest["version"]?.GetValue<int>() ?? 0;
        if (format != FormatTag || version != CurrentVersion)
        {
            throw new InvalidDataException($"'{path}' has format '{format}' version {version}; this runtime reads '{FormatTag}' version {CurrentVersion}.");
        }

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (manifest["metrics"] is JsonObject metricNodes)
        {
            var reader = new CallbackStateReader(metricNodes);
            foreach (KeyValuePair<string, JsonNode?> metric in metricNodes)
            {
                if (reader.TryRead(metric.Key, out double value))
                {
                    metrics[metric.Key] = value;
                }
            }
        }

        var learningRates = new List<double>();
        if (manifest["learningRates"] is JsonArray rates)
        {
            var wrapper = new JsonObject { ["rates"] = rates.DeepClone() };
            new CallbackStateReader(wrapper).TryRead("rates", out List<double>? decoded);
            learningRates.AddRange(decoded ?? new List<double>());
        }

        var callbacks = manifest["callbacks"] as JsonObject ?? new JsonObject();
        manifest.Remove("callbacks");
        byte[]? model = null;
        if (archive.GetEntry(ModelEntry) is { } modelEntry)
        {
            using Stream stream = modelEntry.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            model = buffer.ToArray();
        }

        return new CheckpointFile(
            manifest["epochsCompleted"]?.GetValue<int>() ?? 0,
            manifest["globalStep"]?.GetValue<long>() ?? 0,
            metrics,
            callbacks,
            model,
            learningRates.ToArray());
    }

    /// <summary>
    /// Loads the checkpoint's model state into <paramref name="model"/> (Keras' <c>load_weights</c>):
    /// for inference or evaluation with the weights of, say, the best checkpoint, without resuming.
    /// </summary>
    /// <param name="model">The engine's model-state seam.</param>
    /// <exception cref="InvalidOperationException">The checkpoint holds no model state.</exception>
    public void LoadModelInto(IModelStateControl model)
    {
        ArgumentNullException.ThrowIfNull(model);
        byte[] bytes = ModelBytes ?? throw new InvalidOperationException("The checkpoint holds no model state (its run's module exposed no IModelStateControl).");
        using var buffer = new MemoryStream(bytes, writable: false);
        model.Load(buffer);
    }

    /// <summary>Writes the state of a run into <paramref name="path"/> atomically.</summary>
    internal static void Write(string path, TrainerContext context, ICallbackDispatcher callbacks, int epochsCompleted)
    {
        var manifest = new JsonObject
        {
            ["format"] = FormatTag,
            ["version"] = CurrentVersion,
            ["epochsCompleted"] = epochsCompleted,
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

        var states = new CallbackStateWriter();
        callbacks.OnSaveState(context, states);
        manifest["callbacks"] = states.Target;

        byte[]? model = null;
        if (context.ModelState is { } modelState)
        {
            using var buffer = new MemoryStream();
            modelState.Save(buffer);
            model = buffer.ToArray();
        }

        AtomicFile.Write(path, stream =>
        {
            using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            ZipArchiveEntry entry = archive.CreateEntry(ManifestEntry, CompressionLevel.Optimal);
            using (Stream manifestStream = entry.Open())
            using (var writer = new Utf8JsonWriter(manifestStream, JsonText.Indented))
            {
                manifest.WriteTo(writer);
            }

            if (model is not null)
            {
                using Stream modelStream = archive.CreateEntry(ModelEntry, CompressionLevel.Fastest).Open();
                modelStream.Write(model, 0, model.Length);
            }
        });
    }

    /// <summary>Restores the model (through the seam) and every callback's state into a starting run.</summary>
    internal void RestoreInto(TrainerContext context, ICallbackDispatcher callbacks)
    {
        if (ModelBytes is not null)
        {
            if (context.ModelState is { } modelState)
            {
                using var buffer = new MemoryStream(ModelBytes, writable: false);
                modelState.Load(buffer);
            }
            else
            {
                context.Warn("The checkpoint holds model state but the module exposes no IModelStateControl; the model was not restored.");
            }
        }

        if (context.LearningRates is { } learningRates)
        {
            for (int group = 0; group < Math.Min(learningRates.GroupCount, LearningRates.Count); group++)
            {
                learningRates.SetLearningRate(group, LearningRates[group]);
            }
        }

        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (ICallback callback in callbacks.Callbacks)
        {
            known.Add(callback.StateKey);
        }

        foreach (string key in CallbackKeys)
        {
            if (!known.Contains(key))
            {
                context.Warn($"The checkpoint has state for '{key}', but no callback of this run has that state key; it was ignored.");
            }
        }

        callbacks.OnLoadState(context, new CallbackStateReader(CallbackStates));
    }
}
