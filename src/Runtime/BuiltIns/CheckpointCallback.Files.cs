using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DreamTrainer;

/// <summary>The checkpoint callback's files: ranking, names, deletion, the manifest and its state.</summary>
public sealed partial class CheckpointCallback
{
    private const string VersionSeparator = "-v";

    /// <summary>
    /// Ranks a top-k checkpoint: <paramref name="saved"/> is the file to write (by
    /// <see cref="SaveLastCheckpoint"/>, with last.ckpt), or null; returns the file that left the
    /// top k (deleted by <see cref="Commit"/>), or null.
    /// </summary>
    private string? RankTopKCheckpoint(TrainerContext context, MetricsView metrics, bool atEpochEnd, out string? saved)
    {
        saved = null;
        if (SaveTopK == 0)
        {
            _deferred = false;
            return null;
        }

        double score = context.GlobalStep;
        MonitorMode mode = MonitorMode.Max;
        if (_metric is not null)
        {
            bool present = atEpochEnd ? _metric.TryRead(context, metrics, out score) : _metric.TryReadNow(context, metrics, out score);
            if (!present)
            {
                return null;
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
            return null;
        }

        bool full = SaveTopK > 0 && _kept.Count >= SaveTopK;
        if (full && !IsBetter(score, _kept[^1].Score, mode))
        {
            return null;
        }

        string? replaced = full ? _kept[^1].File : null;
        string file = AvailableName(Template.Render(context.Epoch + 1, context.GlobalStep, _batchesInEpoch, metrics), replaced);
        var committed = new List<KeptCheckpoint>(_kept);
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

        // The manifest names the new files before they exist, with the kept list still the one on disk.
        Own(committed, file, SaveLast ? _lastFile : null);
        saved = InsideDirectory(file);
        _lastSavedStep = context.GlobalStep;
        return dropped is not null && dropped.File != file ? dropped.File : null;
    }

    /// <summary>
    /// Writes <paramref name="saved"/> (a new top-k or failure checkpoint), then last.ckpt: the same
    /// checkpoint, taken once, in both files.
    /// </summary>
    private void SaveLastCheckpoint(TrainerContext context, string? saved)
    {
        if (!SaveLast)
        {
            if (saved is not null)
            {
                context.SaveCheckpoint(saved);
            }

            return;
        }

        if (_lastFile is null)
        {
            _lastFile = AvailableName("last", null);
            Own(_kept, _lastFile, null);
        }

        context.SaveCheckpoint(saved, InsideDirectory(_lastFile));
    }

    /// <summary>
    /// After the checkpoints of a save are written: the manifest gets the new kept list (still
    /// owning a dropped file), then the dropped file is deleted — even when this run resumed from
    /// it (Lightning keeps that one), so a resumed run leaves the files an uninterrupted one does;
    /// a newer checkpoint and last.ckpt exist by then.
    /// </summary>
    private void Commit(string? dropped)
    {
        WriteManifest(_kept, dropped);
        if (dropped is not null)
        {
            _files.Delete(InsideDirectory(dropped));
            _owned.Remove(dropped);
        }
    }

    /// <summary>Writes the manifest naming <paramref name="file"/> (and <paramref name="alsoFile"/>) as owned before they are written, unless it does already.</summary>
    private void Own(List<KeptCheckpoint> committed, string file, string? alsoFile)
    {
        bool known = _owned.Contains(file) && (alsoFile is null || _owned.Contains(alsoFile));
        _owned.Add(file);
        if (alsoFile is not null)
        {
            _owned.Add(alsoFile);
        }

        if (!known)
        {
            WriteManifest(committed, null);
        }
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

        for (int version = 1; _files.Exists(InsideDirectory(file)) && file != replaced && file != _lastFile; version++)
        {
            file = name + VersionSeparator + version.ToString(CultureInfo.InvariantCulture) + ".ckpt";
        }

        return file;
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

        // Each kept checkpoint takes entries of its own, so a count beyond them is a crafted file, not a loop to run.
        if (count < 0 || count > reader.Count)
        {
            throw reader.Invalid("kept_count", count, $"must be between 0 and the number of entries ({reader.Count})");
        }

        for (int i = 0; i < count; i++)
        {
            string prefix = "kept_" + i.ToString(CultureInfo.InvariantCulture);
            if (reader.TryRead(prefix + "_file", out string? file) && file is not null
                && reader.TryRead(prefix + "_score", out double score) && reader.TryRead(prefix + "_epoch", out int epoch))
            {
                reader.TryRead(prefix + "_step", out long step);
                RequireFileName(reader, prefix + "_file", file);
                if (double.IsNaN(score))
                {
                    throw reader.Invalid(prefix + "_score", score, "cannot be NaN (a NaN score is kept as the worst value, an infinity)");
                }

                if (epoch < 0 || step < 0)
                {
                    throw reader.Invalid(epoch < 0 ? prefix + "_epoch" : prefix + "_step", Math.Min(epoch, step), "must be 0 or more");
                }

                if (_kept.Exists(k => k.File == file))
                {
                    throw reader.Invalid(prefix + "_file", file, "names a file kept twice");
                }

                _kept.Add(new KeptCheckpoint(file, score, epoch, step));
            }
        }

        _lastFile = reader.TryRead("last_file", out string? last) ? last : null;
        if (_lastFile is not null)
        {
            RequireFileName(reader, "last_file", _lastFile);
        }

        _currentScore = reader.TryRead("current_score", out double? current) ? current : null;
        if (_currentScore is { } score2 && double.IsNaN(score2))
        {
            throw reader.Invalid("current_score", score2, "cannot be NaN");
        }
    }

    /// <summary>A checkpoint names only files of its own folder: a plain <c>.ckpt</c> file name, never a path.</summary>
    private static void RequireFileName(CallbackStateReader reader, string name, string file)
    {
        if (!IsPlainCheckpointName(file))
        {
            throw reader.Invalid(name, "\"" + file + "\"", "must be a plain .ckpt file name inside the checkpoint folder (no folders, no '..', not absolute)");
        }
    }

    private static bool IsPlainCheckpointName(string file) =>
        file.Length is > 5 and <= 255
        && file.EndsWith(".ckpt", StringComparison.Ordinal)
        && file != ".ckpt"
        && !file.StartsWith('.')
        && file.IndexOfAny(new[] { '/', '\\', ':' }) < 0
        && file.IndexOfAny(Path.GetInvalidFileNameChars()) < 0
        && !file.Contains("..", StringComparison.Ordinal)
        && !Path.IsPathRooted(file);

    /// <summary>The names of files this callback writes in its folder (for stale temporary files).</summary>
    private static bool IsOurFileName(string file) => file == ManifestFileName || file.EndsWith(".ckpt", StringComparison.Ordinal);

    private sealed record KeptCheckpoint(string File, double Score, int EpochIndex, long Step);
}
