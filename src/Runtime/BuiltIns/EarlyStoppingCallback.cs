using System;
using System.Globalization;
using System.IO;

namespace DreamTrainer;

/// <summary>
/// Stops training when a monitored metric stops improving, with Keras 3's semantics: an epoch
/// improves when it beats the best by more than <c>minDelta</c>; <c>patience</c> epochs without
/// improvement stop the run; a <c>baseline</c> must also be beaten before the wait resets;
/// epochs before <c>startFromEpoch</c> are ignored; <c>restoreBestWeights</c> puts the best
/// epoch's weights back when training ends. Lightning's options add to it: stop at once when the
/// metric reaches <c>stoppingThreshold</c>, gets worse than <c>divergenceThreshold</c>, or (with
/// <c>checkFinite</c>) is NaN or infinite. <see cref="StoppingReason"/> says which fired.
/// </summary>
/// <remarks>
/// It checks at each epoch end. A <c>val_*</c> metric is read only in epochs with a validation
/// pass; in a run without validation data it warns once and never acts. With
/// <c>restoreBestWeights</c>, a checkpoint keeps the best weights too (a reference to its own
/// model when they are the current ones, else an entry of their own), so a resumed run restores
/// the same epoch's weights as an uninterrupted one.
/// </remarks>
public sealed partial class EarlyStoppingCallback
{
    private const string BestWeightsEntry = "best_weights";

    private readonly TextWriter? _output;
    private readonly MonitoredMetric _metric;
    private object? _bestWeights;

    // The step the best-weights snapshot was taken at: while the weights have not changed since, a
    // checkpoint's model.bin holds them and the snapshot needs no entry of its own.
    private long _bestWeightsStep = -1;

    [CallbackState]
    private int _wait;

    [CallbackState]
    private int _stoppedEpoch = -1;

    [CallbackState]
    private double? _best;

    [CallbackState]
    private int _bestEpoch = -1;

    [CallbackState]
    private EarlyStoppingReason _stoppingReason;

    [CallbackState]
    private string? _stoppingReasonMessage;

    /// <summary>Creates the callback; every argument is checked now.</summary>
    /// <param name="monitor">The metric to watch.</param>
    /// <param name="mode">Whether smaller or larger is better; Auto asks the metric's declared direction.</param>
    /// <param name="patience">Epochs without improvement before stopping (0 or more).</param>
    /// <param name="minDelta">The least change that counts as an improvement (its absolute value is used).</param>
    /// <param name="baseline">A value the metric must beat before waiting resets, or null.</param>
    /// <param name="startFromEpoch">The number of epochs not monitored at the start (a warm-up; 0 or more).</param>
    /// <param name="restoreBestWeights">Restore the best epoch's weights at the end (needs <see cref="IModelStateControl"/>).</param>
    /// <param name="output">Where to print the stop and restore messages (Keras' verbose); null: silent.</param>
    /// <param name="stoppingThreshold">Stop as soon as the metric is better than this, or null.</param>
    /// <param name="divergenceThreshold">Stop as soon as the metric is worse than this, or null.</param>
    /// <param name="checkFinite">Stop as soon as the metric is NaN or infinite.</param>
    public EarlyStoppingCallback(
        string monitor = "val_loss",
        MonitorMode mode = MonitorMode.Auto,
        int patience = 0,
        double minDelta = 0,
        double? baseline = null,
        int startFromEpoch = 0,
        bool restoreBestWeights = false,
        TextWriter? output = null,
        double? stoppingThreshold = null,
        double? divergenceThreshold = null,
        bool checkFinite = false)
    {
        Monitoring.RequireName(monitor, nameof(monitor));
        Monitoring.RequireMode(mode, nameof(mode));
        Monitoring.RequireNonNegative(patience, nameof(patience));
        Monitoring.RequireFinite(minDelta, nameof(minDelta));
        if (baseline is { } b)
        {
            Monitoring.RequireFinite(b, nameof(baseline));
        }

        if (stoppingThreshold is { } stopping)
        {
            Monitoring.RequireFinite(stopping, nameof(stoppingThreshold));
        }

        if (divergenceThreshold is { } divergence)
        {
            Monitoring.RequireFinite(divergence, nameof(divergenceThreshold));
        }

        Monitoring.RequireNonNegative(startFromEpoch, nameof(startFromEpoch));
        _metric = new MonitoredMetric("EarlyStopping", monitor, mode);
        Patience = patience;
        MinDelta = Math.Abs(minDelta);
        Baseline = baseline;
        StartFromEpoch = startFromEpoch;
        RestoreBestWeights = restoreBestWeights;
        StoppingThreshold = stoppingThreshold;
        DivergenceThreshold = divergenceThreshold;
        CheckFinite = checkFinite;
        _output = output;
    }

    /// <summary>The metric watched.</summary>
    public string Monitor => _metric.Name;

    /// <summary>The mode: as configured; an Auto mode becomes Min or Max at the first check.</summary>
    public MonitorMode Mode => _metric.Mode;

    /// <summary>Epochs without improvement before stopping.</summary>
    public int Patience { get; }

    /// <summary>The least change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>The value to beat before waiting resets, or null.</summary>
    public double? Baseline { get; }

    /// <summary>The number of epochs not monitored at the start.</summary>
    public int StartFromEpoch { get; }

    /// <summary>Whether the best weights are restored at the end.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>The value that stops the run as soon as the metric beats it, or null.</summary>
    public double? StoppingThreshold { get; }

    /// <summary>The value that stops the run as soon as the metric is worse, or null.</summary>
    public double? DivergenceThreshold { get; }

    /// <summary>Whether a NaN or infinite metric stops the run.</summary>
    public bool CheckFinite { get; }

    /// <summary>Epochs since the last improvement (Keras' <c>wait</c>).</summary>
    public int Wait => _wait;

    /// <summary>The index (from 0) of the epoch the stop was requested in, or -1.</summary>
    public int StoppedEpoch => _stoppedEpoch;

    /// <summary>The best value seen, or null before the first monitored epoch.</summary>
    public double? Best => _best;

    /// <summary>The index (from 0) of the epoch of the best value, or -1.</summary>
    public int BestEpoch => _bestEpoch;

    /// <summary>Why it stopped the run.</summary>
    public EarlyStoppingReason StoppingReason => _stoppingReason;

    /// <summary>The stop message (also the run's stop reason), or null.</summary>
    public string? StoppingReasonMessage => _stoppingReasonMessage;

    /// <summary>The state key: one early stopping per monitored metric and mode.</summary>
    public string StateKey => "EarlyStopping[" + Monitor + "|" + _metric.Configured.ToString().ToLowerInvariant() + "]";

    [OnTrainStart]
    private void Start(TrainerContext context)
    {
        if (RestoreBestWeights && !context.CanSnapshotWeights)
        {
            throw new InvalidOperationException("restoreBestWeights is true, but the module exposes no IModelStateControl to snapshot weights with.");
        }

        _metric.Reset();
        if (!context.IsResumed)
        {
            ReplaceBestWeights(null);
            _wait = 0;
            _stoppedEpoch = -1;
            _best = null;
            _bestEpoch = -1;
            _stoppingReason = EarlyStoppingReason.NotStopped;
            _stoppingReasonMessage = null;
        }
    }

    [OnTrainEpochEnd]
    private void Check(TrainerContext context, int epoch, MetricsView metrics)
    {
        if (epoch < StartFromEpoch || !_metric.TryRead(context, metrics, out double current))
        {
            return;
        }

        MonitorMode mode = _metric.Resolve(context);
        if (CheckFinite && !double.IsFinite(current))
        {
            Stop(context, epoch, EarlyStoppingReason.NonFiniteMetric, $"{Monitor} = {Monitoring.Format(current)} is not finite; best {Describe(_best)}.");
            return;
        }

        if (DivergenceThreshold is { } divergence && (mode == MonitorMode.Min ? current > divergence : current < divergence))
        {
            Stop(context, epoch, EarlyStoppingReason.DivergenceThreshold, $"divergence threshold reached: {Monitor} = {Monitoring.Format(current)} {(mode == MonitorMode.Min ? ">" : "<")} {Monitoring.Format(divergence)}.");
            return;
        }

        if (RestoreBestWeights && _bestWeights is null)
        {
            // Before any improvement is recorded, the current weights are the best there are.
            ReplaceBestWeights(context.CreateWeightsSnapshot(), context.GlobalStep);
            _bestEpoch = epoch;
        }

        _wait++;
        if (_metric.IsImprovement(current, _best, MinDelta))
        {
            _best = current;
            _bestEpoch = epoch;
            if (RestoreBestWeights)
            {
                ReplaceBestWeights(context.CreateWeightsSnapshot(), context.GlobalStep);
            }

            if (Baseline is null || _metric.IsImprovement(current, Baseline, MinDelta))
            {
                _wait = 0;
            }
        }
        else if (_wait >= Patience && epoch > 0)
        {
            Stop(context, epoch, EarlyStoppingReason.PatienceExhausted, string.Create(
                CultureInfo.InvariantCulture,
                $"{Monitor} did not improve by more than {MinDelta} for {_wait} epoch(s); best {Describe(_best)}."));
            return;
        }

        if (StoppingThreshold is { } stopping && (mode == MonitorMode.Min ? current < stopping : current > stopping))
        {
            Stop(context, epoch, EarlyStoppingReason.StoppingThreshold, $"stopping threshold reached: {Monitor} = {Monitoring.Format(current)} {(mode == MonitorMode.Min ? "<" : ">")} {Monitoring.Format(stopping)}.");
        }
    }

    [OnTrainEnd]
    private void Finish(TrainerContext context)
    {
        if (_stoppedEpoch >= 0)
        {
            if (context.IsGlobalZero)
            {
                _output?.WriteLine($"Epoch {_stoppedEpoch + 1}: early stopping");
            }
        }

        if (RestoreBestWeights && _bestWeights is not null)
        {
            if (context.IsGlobalZero)
            {
                _output?.WriteLine($"Restoring model weights from the end of the best epoch: {_bestEpoch + 1}.");
            }
            context.RestoreWeights(_bestWeights);
            ReplaceBestWeights(null);
            _bestWeightsStep = -1;
        }
    }

    [OnSaveState]
    private void SaveBestWeights(TrainerContext context, CallbackStateWriter writer)
    {
        if (RestoreBestWeights && _bestWeights is not null && context.ModelState is { } model)
        {
            writer.WriteWeightsSnapshot(BestWeightsEntry, model, _bestWeights, isCurrent: _bestWeightsStep == context.GlobalStep);
        }
    }

    [OnLoadState]
    private void LoadBestWeights(TrainerContext context, CallbackStateReader reader)
    {
        // The generated code has read the fields; a checkpoint may be hostile, so check them.
        if (_wait < 0)
        {
            throw reader.Invalid("_wait", _wait, "must be 0 or more");
        }

        if (_stoppedEpoch < -1)
        {
            throw reader.Invalid("_stoppedEpoch", _stoppedEpoch, "must be -1 (not stopped) or an epoch index");
        }

        if (_bestEpoch < -1)
        {
            throw reader.Invalid("_bestEpoch", _bestEpoch, "must be -1 (none yet) or an epoch index");
        }

        if (_best is { } best && double.IsNaN(best))
        {
            throw reader.Invalid("_best", best, "cannot be NaN (no value compares better than NaN)");
        }

        ReplaceBestWeights(null);
        if (RestoreBestWeights && context.ModelState is { } model
            && reader.TryReadWeightsSnapshot(BestWeightsEntry, model, context, out object? snapshot))
        {
            ReplaceBestWeights(snapshot, -1);
        }
    }

    private void Stop(TrainerContext context, int epoch, EarlyStoppingReason reason, string message)
    {
        _stoppedEpoch = epoch;
        _stoppingReason = reason;
        _stoppingReasonMessage = "EarlyStopping: " + message;
        context.RequestStop(_stoppingReasonMessage);
    }

    private string Describe(double? best) =>
        best is { } value ? string.Create(CultureInfo.InvariantCulture, $"{Monitoring.Format(value)} in epoch {_bestEpoch + 1}") : "none yet";

    /// <summary>Keeps one snapshot; a replaced one is disposed when it can be (GPU copies of a state dict).</summary>
    private void ReplaceBestWeights(object? snapshot, long step = -1)
    {
        if (!ReferenceEquals(_bestWeights, snapshot))
        {
            (_bestWeights as IDisposable)?.Dispose();
        }

        _bestWeights = snapshot;
        _bestWeightsStep = snapshot is null ? -1 : step;
    }
}
