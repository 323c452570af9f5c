using System;
using System.Collections.Generic;
using System.IO;

namespace DreamTrainer;

/// <summary>
/// Saves checkpoints (Lightning's ModelCheckpoint, with Keras' options): keeps exactly the best
/// <c>saveTopK</c> by the monitored metric on disk (deleting the ones that fall out), a
/// <c>last.ckpt</c> at every epoch end, and a manifest <c>checkpoints.json</c> listing the kept
/// files with their scores. Every file is written atomically. It runs after the other epoch-end
/// callbacks (priority -100) so a checkpoint holds their state for this epoch.
/// </summary>
/// <remarks>
/// <para>Top-k saves happen every <c>everyNEpochs</c> epochs (default 1; 0 turns them off), or
/// every <c>everyNTrainSteps</c> steps, or every <c>trainTimeInterval</c> — one of the three. A
/// step or time save whose monitor is not logged yet (a <c>val_*</c> metric before the epoch's
/// validation) waits for the next validation end or epoch end. Nothing is saved twice at one step.</para>
/// <para>A NaN score ranks as the worst (Lightning). <c>initialValueThreshold</c> must be beaten
/// before anything is kept (Keras). <c>epoch</c> and <c>step</c> can be the monitor.</para>
/// <para>File names come from <c>fileNameTemplate</c> with placeholders <c>{epoch}</c> (from 1),
/// <c>{step}</c> (steps taken), <c>{batch}</c> (batches done in the epoch), <c>{loss}</c>,
/// <c>{val_loss}</c>, the monitor and the metrics named in <c>fileNameMetrics</c>, each with an
/// optional .NET format: <c>"epoch={epoch:D3}-val_loss={val_loss:F4}"</c>; an unknown placeholder,
/// an invalid format or a name that could exceed 255 bytes fails in the constructor. A placeholder
/// writes only its value, so a metric name with <c>/</c> never makes a folder. A template that
/// could leave the directory (separators, <c>..</c> in its text) is rejected. When a name is taken
/// by a file this callback does not own (another run's), <c>-v1</c>, <c>-v2</c>, … is appended
/// (<c>enableVersionCounter</c>), so nothing of theirs is overwritten.</para>
/// <para>Like Keras' best and Lightning's kept models, the ranking (kept list, last file, current
/// score) stays across Fits of one instance; a resume replaces it with the checkpoint's.</para>
/// <para>The writes of one save are ordered so that a process killed at any instant leaves a
/// consistent folder: the manifest first names a file this callback is about to write (<c>owned</c>),
/// then the checkpoint, then <c>last.ckpt</c>, then the manifest with the new kept list, and only
/// then is a file that left the top k deleted. The manifest's <c>kept</c> files always exist. A
/// resume reconciles the folder with the checkpoint it resumes from: files the manifest says this
/// callback owns that the checkpoint does not keep are deleted (never the file resumed from), kept
/// files that are gone are dropped with a warning, <c>last.ckpt</c> is brought up to the resumed
/// state, and temporary files killed writes left are removed.</para>
/// </remarks>
[Callback(Priority = -100, Ranks = CallbackRanks.Zero)]
public sealed partial class CheckpointCallback
{
    /// <summary>The manifest's file name.</summary>
    public const string ManifestFileName = "checkpoints.json";

    /// <summary>The name of the latest checkpoint (<c>last-v1.ckpt</c>, … when an earlier run's is there).</summary>
    public const string LastFileName = "last.ckpt";

    private readonly List<KeptCheckpoint> _kept = new();
    private readonly HashSet<string> _owned = new(StringComparer.Ordinal);
    private readonly MonitoredMetric? _metric;
    private readonly TimeProvider _time;
    private long _lastTime;
    private long _lastSavedStep = -1;
    private int _batchesInEpoch;
    private bool _deferred;
    private string? _lastFile;
    private double? _currentScore;

    /// <summary>Creates the callback; every argument is checked now.</summary>
    /// <param name="directory">Where checkpoints go (created if missing; <c>~/</c> is the home folder).</param>
    /// <param name="monitor">The metric that ranks checkpoints (also <c>epoch</c> or <c>step</c>); null keeps the most recent ones.</param>
    /// <param name="mode">Whether smaller or larger is better; Auto asks the metric's declared direction.</param>
    /// <param name="saveTopK">How many to keep (-1: all, 0: none besides last).</param>
    /// <param name="saveLast">Also write <c>last.ckpt</c> at every epoch end (and with every step or time save).</param>
    /// <param name="everyNEpochs">Save every this many epochs; 0: never at epoch ends; null: 1 unless a step or time trigger is set.</param>
    /// <param name="fileNameTemplate">The file name without extension.</param>
    /// <param name="initialValueThreshold">A score must beat this to be kept (Keras), or null.</param>
    /// <param name="everyNTrainSteps">Save every this many training steps; 0: off.</param>
    /// <param name="trainTimeInterval">Save when this much time has passed since the last time save; null: off.</param>
    /// <param name="enableVersionCounter">Append <c>-v1</c>, … instead of overwriting a file this run does not own.</param>
    /// <param name="saveOnException">Write a checkpoint (and last) when the run fails, unless one was written at that step.</param>
    /// <param name="timeProvider">The clock of <paramref name="trainTimeInterval"/>; default: the system's.</param>
    /// <param name="fileNameMetrics">Metrics the template may name besides <c>epoch</c>, <c>step</c>, <c>batch</c>, <c>loss</c>, <c>val_loss</c> and the monitor (a placeholder of any other name is a typo, rejected now).</param>
    public CheckpointCallback(
        string directory,
        string? monitor = "val_loss",
        MonitorMode mode = MonitorMode.Auto,
        int saveTopK = 1,
        bool saveLast = true,
        int? everyNEpochs = null,
        string fileNameTemplate = "epoch={epoch}-step={step}",
        double? initialValueThreshold = null,
        int everyNTrainSteps = 0,
        TimeSpan? trainTimeInterval = null,
        bool enableVersionCounter = true,
        bool saveOnException = false,
        TimeProvider? timeProvider = null,
        IReadOnlyCollection<string>? fileNameMetrics = null)
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

        if (everyNEpochs is { } epochs)
        {
            Monitoring.RequireNonNegative(epochs, nameof(everyNEpochs));
        }

        Monitoring.RequireNonNegative(everyNTrainSteps, nameof(everyNTrainSteps));
        if (trainTimeInterval is { } interval && interval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(trainTimeInterval), interval, $"trainTimeInterval must be zero or positive; it was {interval}.");
        }

        int triggers = (everyNEpochs > 0 ? 1 : 0) + (everyNTrainSteps > 0 ? 1 : 0) + (trainTimeInterval is null ? 0 : 1);
        if (triggers > 1)
        {
            throw new ArgumentException(
                $"everyNEpochs ({everyNEpochs}), everyNTrainSteps ({everyNTrainSteps}) and trainTimeInterval ({trainTimeInterval}) are exclusive: set one of them.",
                nameof(everyNEpochs));
        }

        if (initialValueThreshold is { } threshold)
        {
            Monitoring.RequireFinite(threshold, nameof(initialValueThreshold));
            if (monitor is null)
            {
                throw new ArgumentException($"initialValueThreshold ({threshold}) needs a monitor to compare with; monitor is null.", nameof(initialValueThreshold));
            }
        }

        var placeholders = new List<string> { "epoch", "step", "batch", "loss", "val_loss" };
        if (monitor is not null && !placeholders.Contains(monitor))
        {
            placeholders.Add(monitor);
        }

        foreach (string name in fileNameMetrics ?? Array.Empty<string>())
        {
            Monitoring.RequireName(name, nameof(fileNameMetrics));
            placeholders.Add(name);
        }

        Template = FileNameTemplate.Parse(fileNameTemplate, nameof(fileNameTemplate), placeholders);
        _metric = monitor is null ? null : new MonitoredMetric("CheckpointCallback", monitor, mode);
        SaveTopK = saveTopK;
        SaveLast = saveLast;
        EveryNEpochs = everyNEpochs ?? (everyNTrainSteps > 0 || trainTimeInterval is not null ? 0 : 1);
        EveryNTrainSteps = everyNTrainSteps;
        TrainTimeInterval = trainTimeInterval;
        InitialValueThreshold = initialValueThreshold;
        EnableVersionCounter = enableVersionCounter;
        SaveOnException = saveOnException;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Where checkpoints go.</summary>
    public string Directory { get; }

    /// <summary>The ranking metric, or null (most recent first).</summary>
    public string? Monitor => _metric?.Name;

    /// <summary>The mode: as configured; an Auto mode becomes Min or Max at the first save (Max without a monitor).</summary>
    public MonitorMode Mode => _metric?.Mode ?? MonitorMode.Max;

    /// <summary>How many ranked checkpoints are kept.</summary>
    public int SaveTopK { get; }

    /// <summary>Whether <c>last.ckpt</c> is written.</summary>
    public bool SaveLast { get; }

    /// <summary>Epochs between top-k saves (0: none at epoch ends).</summary>
    public int EveryNEpochs { get; }

    /// <summary>Training steps between top-k saves (0: off).</summary>
    public int EveryNTrainSteps { get; }

    /// <summary>Time between top-k saves, or null.</summary>
    public TimeSpan? TrainTimeInterval { get; }

    /// <summary>The score a checkpoint must beat to be kept, or null.</summary>
    public double? InitialValueThreshold { get; }

    /// <summary>Whether names taken by files this run does not own get a version suffix.</summary>
    public bool EnableVersionCounter { get; }

    /// <summary>Whether a failing run writes a checkpoint.</summary>
    public bool SaveOnException { get; }

    /// <summary>The state key: one checkpoint callback per directory, metric and mode.</summary>
    public string StateKey => "Checkpoint[" + Path.GetFileName(Directory) + "|" + (Monitor ?? "latest") + "|" + (_metric?.Configured ?? MonitorMode.Max).ToString().ToLowerInvariant() + "]";

    /// <summary>The best checkpoint kept so far, or null.</summary>
    public string? BestPath => _kept.Count == 0 ? null : Path.Combine(Directory, _kept[0].File);

    /// <summary>The latest <c>last</c> checkpoint written, or null.</summary>
    public string? LastPath => _lastFile is null ? null : Path.Combine(Directory, _lastFile);

    /// <summary>The score of the last checkpoint considered for the top k (NaN as the worst value), or null.</summary>
    public double? CurrentScore => _currentScore;

    /// <summary>The kept checkpoints, best first: file path, score (the step without a monitor) and epoch index (from 0).</summary>
    public IReadOnlyList<(string Path, double Score, int EpochIndex)> Kept
    {
        get
        {
            var list = new List<(string, double, int)>();
            foreach (KeptCheckpoint kept in _kept)
            {
                list.Add((Path.Combine(Directory, kept.File), kept.Score, kept.EpochIndex));
            }

            return list;
        }
    }

    private FileNameTemplate Template { get; }

    // The run's file writes (at once, or in the background in order): set when the run starts.
    private RunFiles _files = RunFiles.Synchronous;

    [OnTrainStart]
    private void Start(TrainerContext context)
    {
        _files = context.Files;
        System.IO.Directory.CreateDirectory(Directory);
        AtomicFile.RemoveStaleTemporaries(Directory, IsOurFileName);
        _metric?.Reset();
        _lastTime = _time.GetTimestamp();
        _lastSavedStep = context.IsResumed ? context.GlobalStep : -1;
        _deferred = false;

        // The kept list, the last file and the current score stay across Fits of one instance, as
        // Keras' best and Lightning's best_k_models do: a later run competes with the files an
        // earlier one kept, and overwrites its own last file. A resume replaces them with the
        // checkpoint's.
        if (context.IsResumed)
        {
            Reconcile(context);
        }
        else
        {
            WarnIfNotEmpty(context);
        }
    }

    [OnTrainEpochStart]
    private void EpochStart() => _batchesInEpoch = 0;

    [OnTrainBatchEnd]
    private void AfterStep(TrainerContext context, int batchIndex)
    {
        _batchesInEpoch = batchIndex + 1;
        bool due = EveryNTrainSteps > 0 && context.GlobalStep % EveryNTrainSteps == 0;
        if (TrainTimeInterval is { } interval)
        {
            long now = _time.GetTimestamp();
            if (_time.GetElapsedTime(_lastTime, now) >= interval)
            {
                _lastTime = now;
                due = true;
            }
        }

        if (!due || _lastSavedStep == context.GlobalStep)
        {
            return;
        }

        if (_metric is not null && !_metric.TryReadNow(context, context.Metrics, out _))
        {
            // The monitor comes with validation: save when it is there.
            _deferred = true;
            return;
        }

        SaveNow(context, context.Metrics, atEpochEnd: false);
    }

    [OnValidationEnd]
    private void AfterValidation(TrainerContext context)
    {
        if (_deferred && _lastSavedStep != context.GlobalStep && (_metric is null || _metric.TryReadNow(context, context.Metrics, out _)))
        {
            SaveNow(context, context.Metrics, atEpochEnd: false);
        }
    }

    [OnTrainEpochEnd]
    private void Save(TrainerContext context, int epoch, MetricsView metrics)
    {
        bool due = _deferred || (EveryNEpochs > 0 && (epoch + 1) % EveryNEpochs == 0);
        string? saved = null;
        string? dropped = due && _lastSavedStep != context.GlobalStep ? RankTopKCheckpoint(context, metrics, atEpochEnd: true, out saved) : null;
        SaveLastCheckpoint(context, saved);
        Commit(dropped);
    }

    [OnException]
    private void SaveFailure(TrainerContext context)
    {
        if (!SaveOnException || _lastSavedStep == context.GlobalStep)
        {
            return;
        }

        string file = Template.Render(context.Epoch + 1, context.GlobalStep, _batchesInEpoch, context.Metrics) + ".ckpt";
        _lastSavedStep = context.GlobalStep;
        SaveLastCheckpoint(context, InsideDirectory(file));
    }

    [OnLoadState]
    private void LoadKept(CallbackStateReader reader) => ReadState(reader);

    [OnSaveState]
    private void SaveKept(CallbackStateWriter writer) => WriteState(writer);

    private void SaveNow(TrainerContext context, MetricsView metrics, bool atEpochEnd)
    {
        string? dropped = RankTopKCheckpoint(context, metrics, atEpochEnd, out string? saved);
        SaveLastCheckpoint(context, saved);
        Commit(dropped);
    }
}
