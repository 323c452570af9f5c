using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DreamTrainer;

/// <summary>The checkpoint callback's files: ranking, names, deletion, the manifest and its state.</summary>
public sealed partial class CheckpointCallback
{
    private const string VersionSeparator = "-v";

    private void SaveTopKCheckpoint(TrainerContext context, MetricsView metrics, bool atEpochEnd)
    {
        if (SaveTopK == 0)
        {
            _deferred = false;
            return;
        }

        double score = context.GlobalStep;
        MonitorMode mode = MonitorMode.Max;
        if (_metric is not null)
        {
            bool present = atEpochEnd ? _metric.TryRead(context, metrics, out score) : _metric.TryReadNow(context, metrics, out score);
            if (!present)
            {
                return;
            }

            mode = _metric.Resolve(context);
        }

        _deferred = false;
        if (double.IsNaN(score))
        {
            // Lightning: a NaN score is the worst there is, so any number beats it.
            score = mode == MonitorMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
        }

        _currentScore = score;
        if (InitialValueThreshold is { } threshold && !Monitoring.IsImprovement(score, threshold, mode, 0))
        {
            return;
        }

        bool full = SaveTopK > 0 && _kept.Count >= SaveTopK;
        if (full && !IsBetter(score, _kept[^1].Score, mode))
        {
            return;
        }

        string? replaced = full ? _kept[^1].File : null;
        string file = AvailableName(Template.Render(context.Epoch + 1, context.GlobalStep, _batchesInEpoch, metrics), replaced);
        _kept.RemoveAll(k => k.File == file);
        Insert(new KeptCheckpoint(file, score, context.Epoch, context.GlobalStep), mode);
        KeptCheckpoint? dropped = null;
        if (SaveTopK > 0 && _kept.Count > SaveTopK)
        {
            dropped = _kept[^1];
            _kept.RemoveAt(_kept.Count - 1);
        }

        // The last checkpoint's name is settled first, so this file's state (kept list, last) is
        // the state it describes, and equals what last.ckpt will hold.
        if (SaveLast)
        {
            _lastFile ??= AvailableName("last", null);
        }

        context.SaveCheckpoint(InsideDirectory(file));
        _lastSavedStep = context.GlobalStep;
        if (dropped is not null && dropped.File != file)
        {
            Remove(context, dropped.File);
        }
    }

    private void SaveLastCheckpoint(TrainerContext context)
    {
        if (!SaveLast)
        {
            return;
        }

        _lastFile ??= AvailableName("last", null);
        context.SaveCheckpoint(InsideDirectory(_lastFile));
    }

    private static bool IsBetter(double score, double than, MonitorMode mode) => mode == MonitorMode.Min ? score < than : score > than;

    /// <summary>Inserts best first; among equal scores the earlier checkpoint stays ahead.</summary>
    private void Insert(KeptCheckpoint checkpoint, MonitorMode mode)
    {
        int index = _kept.Count;
        while (index > 0 && IsBetter(checkpoint.Score, _kept[index - 1].Score, mode))
        {
            index--;
        }

        _kept.Insert(index, checkpoint);
    }

    /// <summary>
    /// <paramref name="name"/>.ckpt, or with <c>-v1</c>, <c>-v2</c>, … while that file exists and is
    /// neither the one this save replaces nor this run's last checkpoint (Lightning's version counter).
    /// </summary>
    private string AvailableName(string name, string? replaced)
    {
        string file = name + ".ckpt";
        if (!EnableVersionCounter)
        {
            return file;
        }

        for (int version = 1; File.Exists(InsideDirectory(file)) && file != replaced && file != _lastFile; version++)
        {
            file = name + VersionSeparator + version.ToString(CultureInfo.InvariantCulture) + ".ckpt";
        }

        return file;
    }

    /// <summary>Deletes a checkpoint that left the top k, but never the one this run resumed from.</summary>
    private void Remove(TrainerContext context, string file)
    {
        string path = InsideDirectory(file);
        if (!string.Equals(path, context.ResumePath, StringComparison.Ordinal))
        {
            File.Delete(path);
        }
    }

    /// <summary>Warns once per run when the folder holds checkpoints this callback does not own (Lightning warns the same).</summary>
    private void WarnIfNotEmpty(TrainerContext context)
    {
        if (SaveTopK == 0)
        {
            return;
        }

        foreach (string path in System.IO.Directory.EnumerateFiles(Directory, "*.ckpt"))
        {
            string file = Path.GetFileName(path);
            if (file != _lastFile && !_kept.Exists(k => k.File == file))
            {
                context.Warn(
                    $"CheckpointCallback: the directory '{Directory}' already holds checkpoints of another run. They are kept"
                    + (EnableVersionCounter ? "; new files whose names are taken get a -v1, -v2, … suffix." : ", and files whose names this run uses are overwritten."));
                return;
            }
        }
    }

    private string InsideDirectory(string file)
    {
        string path = Path.GetFullPath(Path.Combine(Directory, file));
        string root = Path.TrimEndingDirectorySeparator(Directory) + Path.DirectorySeparatorChar;
        if (!path.StartsWith(root, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Checkpoint file name '{file}' would leave the directory '{Directory}'.");
        }

        return path;
    }

    private void WriteState(CallbackStateWriter writer)
    {
        writer.Write("kept_count", _kept.Count);
        for (int i = 0; i < _kept.Count; i++)
        {
            string prefix = "kept_" + i.ToString(CultureInfo.InvariantCulture);
            writer.Write(prefix + "_file", _kept[i].File);
            writer.Write(prefix + "_score", _kept[i].Score);
            writer.Write(prefix + "_epoch", _kept[i].EpochIndex);
            writer.Write(prefix + "_step", _kept[i].Step);
        }

        writer.Write("last_file", _lastFile);
        writer.Write("current_score", _currentScore);
    }

    private void ReadState(CallbackStateReader reader)
    {
        _kept.Clear();
        reader.TryRead("kept_count", out int count);
        for (int i = 0; i < count; i++)
        {
            string prefix = "kept_" + i.ToString(CultureInfo.InvariantCulture);
            if (reader.TryRead(prefix + "_file", out string? file) && file is not null
                && reader.TryRead(prefix + "_score", out double score) && reader.TryRead(prefix + "_epoch", out int epoch))
            {
                reader.TryRead(prefix + "_step", out long step);
                _kept.Add(new KeptCheckpoint(file, score, epoch, step));
            }
        }

        _lastFile = reader.TryRead("last_file", out string? last) ? last : null;
        _currentScore = reader.TryRead("current_score", out double? current) ? current : null;
    }

    private void WriteManifest()
    {
        var kept = new JsonArray();
        foreach (KeptCheckpoint item in _kept)
        {
            kept.Add((JsonNode)new JsonObject
            {
                ["file"] = item.File,
                ["epoch"] = item.EpochIndex + 1,
                ["step"] = item.Step,
                ["score"] = _metric is not null && double.IsFinite(item.Score) ? JsonValue.Create(item.Score) : null,
            });
        }

        var manifest = new JsonObject
        {
            ["format"] = "DreamTrainer.CheckpointManifest",
            ["version"] = 2,
            ["monitor"] = Monitor,
            ["mode"] = Mode.ToString().ToLowerInvariant(),
            ["best"] = _kept.Count > 0 ? _kept[0].File : null,
            ["last"] = _lastFile,
            ["kept"] = kept,
        };
        AtomicFile.Write(Path.Combine(Directory, ManifestFileName), stream =>
        {
            using var writer = new Utf8JsonWriter(stream, JsonText.Indented);
            manifest.WriteTo(writer);
        });
    }

    private sealed record KeptCheckpoint(string File, double Score, int EpochIndex, long Step);
}
