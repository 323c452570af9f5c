using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DreamTrainer;

/// <summary>
/// Writes the training log as a JSON array, one object per epoch:
/// <c>{"epoch": 1, "timestamp": "2026-11-21T05:00:00.0000000+00:00", "loss": 0.5, "val_loss": 0.4, …}</c>
/// with every metric of the epoch (non-finite values as <c>null</c>); <c>epoch</c> counts from 1. The file is rewritten
/// atomically after each epoch: each epoch's object is serialized once, when it is recorded, and the
/// file is the array of those texts (with background writes, put together on the writer thread).
/// At the end of training it writes <c>&lt;name&gt;.summary.json</c>
/// (total training time, epochs, end reason, final metrics) and prints a one-line summary.
/// A resumed run keeps the entries of the epochs before the checkpoint.
/// </summary>
[Callback(Priority = -50, Ranks = CallbackRanks.Zero)]
public sealed partial class JsonTrainingLogger
{
    private static readonly JsonWriterOptions Indented = JsonText.Indented;

    // The separators of an indented array of objects as Utf8JsonWriter writes one ("[\n  ", ",\n  ", "\n]"),
    // taken from the writer itself so the file reads as one it wrote whole.
    private static readonly (byte[] Open, byte[] Between, byte[] Close) ArrayText = Separators();

    private readonly TextWriter? _output;
    private readonly List<JsonObject> _entries = new();

    // Each entry as it appears in the file (an object indented one level), serialized once.
    private readonly List<byte[]> _entryTexts = new();
    private long _startTimestamp;

    /// <summary>Creates the logger.</summary>
    /// <param name="path">The JSON file to write (not a folder).</param>
    /// <param name="output">Where to print the end-of-training summary; null: silent.</param>
    public JsonTrainingLogger(string path, TextWriter? output = null)
    {
        Path = Monitoring.RequireFilePath(path, nameof(path));
        _output = output;
    }

    /// <summary>The JSON file.</summary>
    public string Path { get; }

    /// <summary>The summary file written at the end of training.</summary>
    public string SummaryPath => System.IO.Path.ChangeExtension(Path, null) + ".summary.json";

    /// <summary>The state key: one logger per file.</summary>
    public string StateKey => "JsonTrainingLogger[" + System.IO.Path.GetFileName(Path) + "]";

    /// <summary>Wall-clock time of the last finished run.</summary>
    public TimeSpan TotalTime { get; private set; }

    // The run's file writes (at once, or in the background in order): set when the run starts.
    private RunFiles _files = RunFiles.Synchronous;

    [OnTrainStart]
    private void Start(TrainerContext context)
    {
        _files = context.Files;
        _startTimestamp = Stopwatch.GetTimestamp();
        _entries.Clear();
        _entryTexts.Clear();
        string folder = System.IO.Path.GetDirectoryName(Path)!;
        string log = System.IO.Path.GetFileName(Path), summary = System.IO.Path.GetFileName(SummaryPath);
        AtomicFile.RemoveStaleTemporaries(folder, target => target == log || target == summary);
        if (context.IsResumed && File.Exists(Path))
        {
            // Keep the epochs the checkpoint covers; later ones are re-run.
            foreach (JsonNode? entry in ReadLog())
            {
                if (entry is JsonObject item && item["epoch"] is JsonValue number && number.TryGetValue(out int epochNumber) && epochNumber <= context.EpochsCompleted)
                {
                    Add((JsonObject)item.DeepClone());
                }
            }
        }
    }

    /// <summary>The log a resumed run continues; one that is not this logger's JSON array fails the start (nothing is rewritten).</summary>
    private JsonArray ReadLog()
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(Path)) as JsonArray
                ?? throw new InvalidDataException($"JsonTrainingLogger: '{Path}' is not a JSON array of epochs; move it away or choose another path to resume.");
        }
        catch (JsonException failure)
        {
            throw new InvalidDataException($"JsonTrainingLogger: '{Path}' is not valid JSON ({failure.Message}); move it away or choose another path to resume.", failure);
        }
    }

    [OnTrainEpochEnd]
    private void Record(int epoch, MetricsView metrics)
    {
        var entry = new JsonObject
        {
            ["epoch"] = epoch + 1,
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
        foreach (KeyValuePair<string, double> metric in metrics)
        {
            entry[metric.Key] = double.IsFinite(metric.Value) ? JsonValue.Create(metric.Value) : null;
        }

        Add(entry);
        byte[][] texts = _entryTexts.ToArray();
        _files.WriteLater(Path, stream => WriteArray(stream, texts));
    }

    private void Add(JsonObject entry)
    {
        _entries.Add(entry);
        _entryTexts.Add(EntryText(entry));
    }

    /// <summary>The log file: the entries' texts in an indented array.</summary>
    private static void WriteArray(Stream stream, byte[][] texts)
    {
        if (texts.Length == 0)
        {
            stream.Write("[]"u8);
            return;
        }

        stream.Write(ArrayText.Open);
        for (int i = 0; i < texts.Length; i++)
        {
            if (i > 0)
            {
                stream.Write(ArrayText.Between);
            }

            stream.Write(texts[i]);
        }

        stream.Write(ArrayText.Close);
    }

    /// <summary>An entry's text as an element of the indented array: from its '{' to its '}'.</summary>
    private static byte[] EntryText(JsonObject entry)
    {
        var wrapper = new JsonArray(entry);
        byte[] array = Serialize(wrapper);
        wrapper.Clear();
        int start = Array.IndexOf(array, (byte)'{');
        int end = Array.LastIndexOf(array, (byte)'}');
        return array.AsSpan(start, end - start + 1).ToArray();
    }

    private static (byte[] Open, byte[] Between, byte[] Close) Separators()
    {
        byte[] two = Serialize(new JsonArray(new JsonObject(), new JsonObject()));
        int first = Array.IndexOf(two, (byte)'{');
        int second = Array.LastIndexOf(two, (byte)'{');
        int last = Array.LastIndexOf(two, (byte)'}');
        return (two[..first], two[(first + 2)..second], two[(last + 1)..]);
    }

    private static byte[] Serialize(JsonNode node)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Indented))
        {
            node.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    [OnTrainEnd]
    private void Summarize(TrainerContext context, TrainEndReason reason)
    {
        if (context.IsResumed && !context.TrainingStarted)
        {
            // The resume failed before training began: the summary of the run it resumes stays as it was.
            return;
        }

        TotalTime = Stopwatch.GetElapsedTime(_startTimestamp);
        var final = new JsonObject();
        if (_entries.Count > 0)
        {
            foreach (KeyValuePair<string, JsonNode?> metric in _entries[^1])
            {
                if (metric.Key is not "epoch" and not "timestamp")
                {
                    final[metric.Key] = metric.Value?.DeepClone();
                }
            }
        }

        var summary = new JsonObject
        {
            ["total_training_time_seconds"] = Math.Round(TotalTime.TotalSeconds, 3),
            ["epochs"] = _entries.Count,
            ["end_reason"] = reason.ToString(),
            ["stop_reason"] = context.StopReason,
            ["final_metrics"] = final,
        };
        Write(SummaryPath, summary);
        _output?.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Training {reason.ToString().ToLowerInvariant()} after {_entries.Count} epoch(s) in {TotalTime.TotalSeconds:F1} s; log: {Path}"));
    }

    private void Write(string path, JsonNode node) =>
        _files.Write(path, stream =>
        {
            using var writer = new Utf8JsonWriter(stream, Indented);
            node.WriteTo(writer);
        });
}
