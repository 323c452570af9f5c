using System;
using System.Globalization;
using System.IO;

namespace DreamTrainer;

/// <summary>
/// Multiplies the learning rate by <c>factor</c> when a metric has not improved for
/// <c>patience</c> epochs (Keras semantics: improvement means beating the best by more than
/// <c>minDelta</c>; after a reduction, <c>cooldown</c> epochs pass before waiting resumes; the rate
/// never goes below <c>minLearningRate</c>). Each parameter group scales from its own rate, as
/// in torch and Keras. A <c>val_*</c> metric in a run without validation data warns once.
/// </summary>
public sealed partial class ReduceLROnPlateau
{
    private readonly TextWriter? _output;
    private readonly MonitoredMetric _metric;

    [CallbackState]
    private int _wait;

    [CallbackState]
    private int _cooldownCounter;

    [CallbackState]
    private double? _best;

    /// <summary>Creates the callback; every argument is checked now.</summary>
    /// <param name="monitor">The metric to watch.</param>
    /// <param name="factor">The multiplier, between 0 and 1 (exclusive).</param>
    /// <param name="patience">Epochs without improvement before reducing (0 or more).</param>
    /// <param name="mode">Whether smaller or larger is better; Auto asks the metric's declared direction.</param>
    /// <param name="minDelta">The least change that counts as an improvement.</param>
    /// <param name="cooldown">Epochs after a reduction during which waiting does not count.</param>
    /// <param name="minLearningRate">The floor of the learning rate.</param>
    /// <param name="output">Where to print reductions; null: silent.</param>
    public ReduceLROnPlateau(
        string monitor = "val_loss",
        double factor = 0.1,
        int patience = 10,
        MonitorMode mode = MonitorMode.Auto,
        double minDelta = 1e-4,
        int cooldown = 0,
        double minLearningRate = 0,
        TextWriter? output = null)
    {
        Monitoring.RequireName(monitor, nameof(monitor));
        Monitoring.RequireFactor(factor, nameof(factor));
        Monitoring.RequireNonNegative(patience, nameof(patience));
        Monitoring.RequireMode(mode, nameof(mode));
        Monitoring.RequireFinite(minDelta, nameof(minDelta));
        Monitoring.RequireNonNegative(cooldown, nameof(cooldown));
        if (!(minLearningRate >= 0) || !double.IsFinite(minLearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(minLearningRate), minLearningRate, $"minLearningRate must be 0 or more and finite; it was {minLearningRate}.");
        }

        _metric = new MonitoredMetric("ReduceLROnPlateau", monitor, mode);
        Factor = factor;
        Patience = patience;
        MinDelta = Math.Abs(minDelta);
        Cooldown = cooldown;
        MinLearningRate = minLearningRate;
        _output = output;
    }

    /// <summary>The metric watched.</summary>
    public string Monitor => _metric.Name;

    /// <summary>The multiplier.</summary>
    public double Factor { get; }

    /// <summary>Epochs without improvement before reducing.</summary>
    public int Patience { get; }

    /// <summary>The mode: as configured; an Auto mode becomes Min or Max at the first check.</summary>
    public MonitorMode Mode => _metric.Mode;

    /// <summary>The least change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Epochs of cooldown after a reduction.</summary>
    public int Cooldown { get; }

    /// <summary>The floor of the learning rate.</summary>
    public double MinLearningRate { get; }

    /// <summary>Epochs since the last improvement.</summary>
    public int Wait => _wait;

    /// <summary>Cooldown epochs left.</summary>
    public int CooldownCounter => _cooldownCounter;

    /// <summary>The best value seen this run, or null before the first check.</summary>
    public double? Best => _best;

    /// <summary>The state key: one plateau scheduler per monitored metric and mode.</summary>
    public string StateKey => "ReduceLROnPlateau[" + Monitor + "|" + _metric.Configured.ToString().ToLowerInvariant() + "]";

    [OnTrainStart]
    private void Start(TrainerContext context)
    {
        if (!context.HasLearningRate)
        {
            throw new InvalidOperationException("ReduceLROnPlateau needs learning rates, but the module exposes no ILearningRateControl.");
        }

        _metric.Reset();
        if (!context.IsResumed)
        {
            _wait = 0;
            _cooldownCounter = 0;
            _best = null;
        }
    }

    [OnLoadState]
    private void Validate(CallbackStateReader reader)
    {
        // The generated code has read the fields; a checkpoint may be hostile, so check them.
        if (_wait < 0)
        {
            throw reader.Invalid("_wait", _wait, "must be 0 or more");
        }

        if (_cooldownCounter < 0)
        {
            throw reader.Invalid("_cooldownCounter", _cooldownCounter, "must be 0 or more");
        }

        if (_best is { } best && double.IsNaN(best))
        {
            throw reader.Invalid("_best", best, "cannot be NaN (no value compares better than NaN)");
        }
    }

    [OnTrainEpochEnd]
    private void Check(TrainerContext context, int epoch, MetricsView metrics)
    {
        if (!_metric.TryRead(context, metrics, out double current))
        {
            return;
        }

        _metric.Resolve(context);

        // Keras' order: count the cooldown down first, then test it again after the comparison.
        if (_cooldownCounter > 0)
        {
            _cooldownCounter--;
            _wait = 0;
        }

        if (_metric.IsImprovement(current, _best, MinDelta))
        {
            _best = current;
            _wait = 0;
            return;
        }

        if (_cooldownCounter > 0)
        {
            return;
        }

        _wait++;
        if (_wait < Patience)
        {
            return;
        }

        bool reduced = false;
        int groups = context.ParameterGroupCount;
        for (int group = 0; group < groups; group++)
        {
            double old = context.GetLearningRate(group);
            if (old > MinLearningRate)
            {
                double rate = Math.Max(old * Factor, MinLearningRate);
                context.SetLearningRate(group, rate);
                reduced = true;
                string which = groups == 1 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" of parameter group {group + 1}");
                if (context.IsGlobalZero)
                {
                    _output?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate{which} to {Monitoring.FormatRate(rate)}."));
                }
            }
        }

        if (reduced)
        {
            _cooldownCounter = Cooldown;
            _wait = 0;
        }
    }
}
