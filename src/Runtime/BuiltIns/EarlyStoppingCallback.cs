using System;
using System.Globalization;
using System.IO;

namespace DreamTrainer;

/// <summary>
/// Stops training when a monitored metric stops improving, with Keras 3's semantics: an epoch
/// improves when it beats the best by more than <c>minDelta</c>; <c>patience</c> epochs without
/// improvement stop the run; a <c>baseline</c> must also be beaten before the wait resets;
/// epochs before <c>startFromEpoch</c> are ignored; <c>restoreBestWeights</c> puts the best
/// epoch's weights back when training ends. The stop reason is reported.
/// </summary>
public sealed partial class EarlyStoppingCallback
{
    private readonly TextWriter? _output;
    private object? _bestWeights;

    [CallbackState]
    private int _wait;

    [CallbackState]
    private int _stoppedEpoch = -1;

    [CallbackState]
    private double? _best;

    [CallbackState]
    private int _bestEpoch = -1;

    /// <summary>Creates the callback; every argument is checked now.</summary>
    /// <param name="monitor">The metric to watch.</param>
    /// <param name="mode">Whether smaller or larger is better.</param>
    /// <param name="patience">Epochs without improvement before stopping (0 or more).</param>
    /// <param name="minDelta">The least change that counts as an improvement (its absolute value is used).</param>
    /// <param name="baseline">A value the metric must beat before waiting resets, or null.</param>
    /// <param name="startFromEpoch">Epochs before this one are not monitored (a warm-up).</param>
    /// <param name="restoreBestWeights">Restore the best epoch's weights at the end (needs <see cref="IModelStateControl"/>).</param>
    /// <param name="output">Where to print the stop and restore messages (Keras' verbose); null: silent.</param>
    public EarlyStoppingCallback(
        string monitor = "val_loss",
        MonitorMode mode = MonitorMode.Auto,
        int patience = 0,
        double minDelta = 0,
        double? baseline = null,
        int startFromEpoch = 0,
        bool restoreBestWeights = false,
        TextWriter? output = null)
    {
        Monitoring.RequireName(monitor, nameof(monitor));
        Monitoring.RequireMode(mode, nameof(mode));
        Monitoring.RequireNonNegative(patience, nameof(patience));
        Monitoring.RequireFinite(minDelta, nameof(minDelta));
        if (baseline is { } b)
        {
            Monitoring.RequireFinite(b, nameof(baseline));
        }

        Monitoring.RequireNonNegative(startFromEpoch, nameof(startFromEpoch));
        Monitor = monitor;
        Mode = Monitoring.Resolve(mode, monitor);
        Patience = patience;
        MinDelta = Math.Abs(minDelta);
        Baseline = baseline;
        StartFromEpoch = startFromEpoch;
        RestoreBestWeights = restoreBestWeights;
        _output = output;
    }

    /// <summary>The metric watched.</summary>
    public string Monitor { get; }

    /// <summary>The resolved mode (never Auto).</summary>
    public MonitorMode Mode { get; }

    /// <summary>Epochs without improvement before stopping.</summary>
    public int Patience { get; }

    /// <summary>The least change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>The value to beat before waiting resets, or null.</summary>
    public double? Baseline { get; }

    /// <summary>The first monitored epoch.</summary>
    public int StartFromEpoch { get; }

    /// <summary>Whether the best weights are restored at the end.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>Epochs since the last improvement (Keras' <c>wait</c>).</summary>
    public int Wait => _wait;

    /// <summary>The epoch training was stopped at, or -1.</summary>
    public int StoppedEpoch => _stoppedEpoch;

    /// <summary>The best value seen, or null before the first monitored epoch.</summary>
    public double? Best => _best;

    /// <summary>The epoch of the best value, or -1.</summary>
    public int BestEpoch => _bestEpoch;

    /// <summary>The state key: one early stopping per monitored metric.</summary>
    public string StateKey => "EarlyStopping[" + Monitor + "]";

    [OnTrainStart]
    private void Start(TrainerContext context)
    {
        if (RestoreBestWeights && !context.CanSnapshotWeights)
        {
            throw new InvalidOperationException("restoreBestWeights is true, but the module exposes no IModelStateControl to snapshot weights with.");
        }

        ReplaceBestWeights(null);
        if (!context.IsResumed)
        {
            _wait = 0;
            _stoppedEpoch = -1;
            _best = null;
            _bestEpoch = -1;
        }
    }

    [OnTrainEpochEnd]
    private void Check(TrainerContext context, int epoch, MetricsView metrics)
    {
        if (epoch < StartFromEpoch || !Monitoring.TryRead("EarlyStopping", Monitor, context, metrics, epoch, out double current))
        {
            return;
        }

        if (RestoreBestWeights && _bestWeights is null)
        {
            // Before any improvement is recorded, the current weights are the best there are.
            ReplaceBestWeights(context.CreateWeightsSnapshot());
            _bestEpoch = epoch;
        }

        _wait++;
        if (IsImprovement(current, _best))
        {
            _best = current;
            _bestEpoch = epoch;
            if (RestoreBestWeights)
            {
                ReplaceBestWeights(context.CreateWeightsSnapshot());
            }

            if (Baseline is null || IsImprovement(current, Baseline))
            {
                _wait = 0;
            }

            return;
        }

        if (_wait >= Patience && epoch > 0)
        {
            _stoppedEpoch = epoch;
            context.RequestStop(string.Create(
                CultureInfo.InvariantCulture,
                $"EarlyStopping: {Monitor} did not improve by more than {MinDelta} for {_wait} epoch(s); best {Monitoring.Format(_best ?? double.NaN)} in epoch {_bestEpoch + 1}."));
        }
    }

    [OnTrainEnd]
    private void Finish(TrainerContext context)
    {
        if (_stoppedEpoch >= 0)
        {
            _output?.WriteLine($"Epoch {_stoppedEpoch + 1}: early stopping");
        }

        if (RestoreBestWeights && _bestWeights is not null)
        {
            _output?.WriteLine($"Restoring model weights from the end of the best epoch: {_bestEpoch + 1}.");
            context.RestoreWeights(_bestWeights);
            ReplaceBestWeights(null);
        }
    }

    /// <summary>Keeps one snapshot; a replaced one is disposed when it can be (GPU copies of a state dict).</summary>
    private void ReplaceBestWeights(object? snapshot)
    {
        if (!ReferenceEquals(_bestWeights, snapshot))
        {
            (_bestWeights as IDisposable)?.Dispose();
        }

        _bestWeights = snapshot;
    }

    private bool IsImprovement(double current, double? reference)
    {
        if (reference is not { } value)
        {
            return true;
        }

        return Mode == MonitorMode.Min ? current + MinDelta < value : current - MinDelta > value;
    }
}
