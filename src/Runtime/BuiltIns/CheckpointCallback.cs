using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DreamTrainer;

/// <summary>
/// Saves checkpoints at epoch ends (Lightning's ModelCheckpoint): keeps exactly the best
/// <c>saveTopK</c> by the monitored metric on disk (deleting the ones that fall out), a
/// <c>last.ckpt</c>, and a manifest <c>checkpoints.json</c> listing the kept files with their
/// scores. Every file is written atomically. It runs after the other epoch-end callbacks
/// (priority -100) so a checkpoint holds their state for this epoch.
/// </summary>
/// <remarks>
/// File names come from <c>fileNameTemplate</c> with placeholders <c>{epoch}</c>, <c>{step}</c> and
/// any metric, each with an optional .NET format: <c>"epoch={epoch:D3}-val_loss={val_loss:F4}"</c>.
/// A template that could leave the directory (separators, <c>..</c>) is rejected.
/// </remarks>
[Callback(Priority = -100)]
public sealed partial class CheckpointCallback
{
    /// <summary>The manifest's file name.</summary>
    public const string ManifestFileName = "checkpoints.json";

    /// <summary>The name of the latest checkpoint.</summary>
    public const string LastFileName = "last.ckpt";

    private readonly List<KeptCheckpoint> _kept = new();

    /// <summary>Creates the callback; every argument is checked now.</summary>
    /// <param name="directory">Where checkpoints go (created if missing).</param>
    /// <param name="monitor">The metric that ranks checkpoints; null keeps the most recent ones.</param>
    /// <param name="mode">Whether smaller or larger is better.</param>
    /// <param name="saveTopK">How many to keep (-1: all, 0: none besides last).</param>
    /// <param name="saveLast">Also write <c>last.ckpt</c> at every epoch end.</param>
    /// <param name="everyNEpochs">Consider saving every this many epochs.</param>
    /// <param name="fileNameTemplate">The file name without extension.</param>
    public CheckpointCallback(
        string directory,
        string? monitor = "val_loss",
        MonitorMode mode = MonitorMode.Auto,
        int saveTopK = 1,
        bool saveLast = true,
        int everyNEpochs = 1,
        string fileNameTemplate = "epoch={epoch}-step={step}")
    {
        Directory = Monitoring.RequirePath(directory, nameof(directory));
        if (monitor is not null)
        {
            Monitoring.RequireName(monitor, nameof(monitor));
        }

        Monitoring.RequireMode(mode, nameof(mode));
        if (saveTopK < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(saveTopK), saveTopK, $"saveTopK must be -1 (all), 0, or more; it was {saveTopK}.");
        }

        Monitoring.RequirePositive(everyNEpochs, nameof(everyNEpochs));
        Template = FileNameTemplate.Parse(fileNameTemplate, nameof(fileNameTemplate));
        Monitor = monitor;
        Mode = monitor is null ? MonitorMode.Max : Monitoring.Resolve(mode, monitor);
        SaveTopK = saveTopK;
        SaveLast = saveLast;
        EveryNEpochs = everyNEpochs;
    }

    /// <summary>Where checkpoints go.</summary>
    public string Directory { get; }

    /// <summary>The ranking metric, or null (most recent first).</summary>
    public string? Monitor { get; }

    /// <summary>The resolved mode.</summary>
    public MonitorMode Mode { get; }

    /// <summary>How many ranked checkpoints are kept.</summary>
    public int SaveTopK { get; }

    /// <summary>Whether <c>last.ckpt</c> is written.</summary>
    public bool SaveLast { get; }

    /// <summary>Epochs between saves.</summary>
    public int EveryNEpochs { get; }

    /// <summary>The state key: one checkpoint callback per directory and metric.</summary>
    public string StateKey => "Checkpoint[" + Path.GetFileName(Directory) + "|" + (Monitor ?? "latest") + "]";

    /// <summary>The best checkpoint kept so far, or null.</summary>
    public string? BestPath => _kept.Count == 0 ? null : Path.Combine(Directory, _kept[0].File);

    /// <summary>The kept checkpoints, best first: file path and score.</summary>
    public IReadOnlyList<(string Path, double Score, int Epoch)> Kept
    {
        get
        {
            var list = new List<(string, double, int)>();
            foreach (KeptCheckpoint kept in _kept)
            {
                list.Add((Path.Combine(Directory, kept.File), kept.Score, kept.Epoch));
            }

            return list;
        }
    }

    private FileNameTemplate Template { get; }

    [OnTrainStart]
    private void Start(TrainerContext context)
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (!context.IsResumed)
        {
            _kept.Clear();
        }
    }

    [OnTrainEpochEnd]
    private void Save(TrainerContext context, int epoch, MetricsView metrics)
    {
        if ((epoch + 1) % EveryNEpochs != 0)
        {
            return;
        }

        double score = epoch;
        bool ranked = Monitor is null || Monitoring.TryRead("CheckpointCallback", Monitor, context, metrics, epoch, out score);
        if (ranked && SaveTopK != 0 && IsWorthKeeping(score))
        {
            string file = Template.Render(epoch, context.GlobalStep, metrics) + ".ckpt";
            string path = InsideDirectory(file);
            context.SaveCheckpoint(path);
            _kept.RemoveAll(k => k.File == file);
            _kept.Add(new KeptCheckpoint(file, score, epoch));
            _kept.Sort((a, b) => Mode == MonitorMode.Min ? a.Score.CompareTo(b.Score) : b.Score.CompareTo(a.Score));
            while (SaveTopK > 0 && _kept.Count > SaveTopK)
            {
                KeptCheckpoint dropped = _kept[^1];
                _kept.RemoveAt(_kept.Count - 1);
                File.Delete(InsideDirectory(dropped.File));
            }
        }

        if (SaveLast)
        {
            context.SaveCheckpoint(Path.Combine(Directory, LastFileName));
        }

        WriteManifest();
    }

    [OnSaveState]
    private void SaveKept(CallbackStateWriter writer)
    {
        writer.Write("kept_count", _kept.Count);
        for (int i = 0; i < _kept.Count; i++)
        {
            string prefix = "kept_" + i.ToString(CultureInfo.InvariantCulture);
            writer.Write(prefix + "_file", _kept[i].File);
            writer.Write(prefix + "_score", _kept[i].Score);
            writer.Write(prefix + "_epoch", _kept[i].Epoch);
        }
    }

    [OnLoadState]
    private void LoadKept(CallbackStateReader reader)
    {
        _kept.Clear();
        reader.TryRead("kept_count", out int count);
        for (int i = 0; i < count; i++)
        {
            string prefix = "kept_" + i.ToString(CultureInfo.InvariantCulture);
            if (reader.TryRead(prefix + "_file", out string? file) && file is not null
                && reader.TryRead(prefix + "_score", out double score) && reader.TryRead(prefix + "_epoch", out int epoch))
            {
                _kept.Add(new KeptCheckpoint(file, score, epoch));
            }
        }
    }

    private bool IsWorthKeeping(double score)
    {
        if (SaveTopK < 0 || _kept.Count < SaveTopK)
        {
            return true;
        }

        double worst = _kept[^1].Score;
        return Mode == MonitorMode.Min ? score < worst : score > worst;
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

    private void WriteManifest()
    {
        var kept = new JsonArray();
        foreach (KeptCheckpoint item in _kept)
        {
            kept.Add((JsonNode)new JsonObject
            {
                ["file"] = item.File,
                ["epoch"] = item.Epoch,
                ["score"] = double.IsFinite(item.Score) ? JsonValue.Create(item.Score) : null,
            });
        }

        var manifest = new JsonObject
        {
            ["format"] = "DreamTrainer.CheckpointManifest",
            ["version"] = 1,
            ["monitor"] = Monitor,
            ["mode"] = Mode.ToString().ToLowerInvariant(),
            ["best"] = _kept.Count > 0 ? _kept[0].File : null,
            ["last"] = SaveLast ? LastFileName : null,
            ["kept"] = kept,
        };
        AtomicFile.Write(Path.Combine(Directory, ManifestFileName), stream =>
        {
            using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            manifest.WriteTo(writer);
        });
    }

    private sealed record KeptCheckpoint(string File, double Score, int Epoch);
}
