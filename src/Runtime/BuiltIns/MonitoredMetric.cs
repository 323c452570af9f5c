using System;
using System.Globalization;

namespace DreamTrainer;

/// <summary>
/// A metric a callback watches (Keras' MonitorCallback): its name, the mode as configured and as
/// resolved, and the rules for reading it. Early stopping, the plateau scheduler and the
/// checkpoint callback share it so they decide alike.
/// </summary>
internal sealed class MonitoredMetric
{
    private readonly string _owner;
    private MonitorMode? _resolved;
    private bool _warnedNoValidation;

    public MonitoredMetric(string owner, string name, MonitorMode mode)
    {
        _owner = owner;
        Name = name;
        Configured = mode;
        if (mode != MonitorMode.Auto)
        {
            _resolved = mode;
        }
    }

    public string Name { get; }

    /// <summary>The mode passed to the constructor (part of state keys).</summary>
    public MonitorMode Configured { get; }

    /// <summary>The resolved mode once known; the configured one before.</summary>
    public MonitorMode Mode => _resolved ?? Configured;

    /// <summary>Forgets per-run decisions (a new Fit may declare other directions).</summary>
    public void Reset()
    {
        _warnedNoValidation = false;
        _resolved = Configured == MonitorMode.Auto ? null : Configured;
    }

    /// <summary>Min or Max: the configured mode, or the direction Auto finds (first use).</summary>
    public MonitorMode Resolve(TrainerContext context)
    {
        if (_resolved is { } mode)
        {
            return mode;
        }

        MonitorMode found = context.ResolveDirection(Name)
            ?? throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"{_owner} monitors '{Name}' with MonitorMode.Auto, but nothing says whether '{Name}' should go down or up. "
                + $"Pass mode: MonitorMode.Min or MonitorMode.Max, or declare the direction: return it from ITrainingModule.MetricDirections, "
                + $"or call TrainerContext.DeclareMetricDirection(\"{StripValidation(Name)}\", MonitorMode.Max) when training starts."));
        _resolved = found;
        return found;
    }

    /// <summary>
    /// Reads the metric at an epoch end. <c>epoch</c> and <c>step</c> are the epoch number (from 1)
    /// and the steps taken, unless a metric of that name was logged. A metric may be absent in an
    /// epoch without a validation pass (false). A <c>val_*</c> metric in a run without validation
    /// data is absent for good: false, with one warning per run. Otherwise an absent metric is a
    /// configuration error naming the callback and listing the metrics that exist.
    /// </summary>
    public bool TryRead(TrainerContext context, MetricsView metrics, out double value)
    {
        if (TryReadNow(context, metrics, out value))
        {
            return true;
        }

        if (!context.HasValidationData && Name.StartsWith("val_", StringComparison.Ordinal))
        {
            if (!_warnedNoValidation)
            {
                _warnedNoValidation = true;
                context.Warn($"{_owner} monitors '{Name}', but this run has no validation data, so it never acts. Pass validation data to Fit, or monitor a training metric such as 'loss'.");
            }

            return false;
        }

        if (context.HasValidationData && !context.IsValidationEpoch)
        {
            return false;
        }

        bool validationMetric = Name.StartsWith("val_", StringComparison.Ordinal);
        throw new InvalidOperationException(string.Create(
            CultureInfo.InvariantCulture,
            $"{_owner} monitors '{Name}', but epoch {context.Epoch + 1} has no such metric; the metrics are: {metrics.Describe()}.")
            + (validationMetric ? " Does the validation step log it?" : string.Empty));
    }

    /// <summary>Reads the metric if it is there now (mid-epoch saves), with <c>epoch</c> and <c>step</c> as in <see cref="TryRead"/>.</summary>
    public bool TryReadNow(TrainerContext context, MetricsView metrics, out double value)
    {
        if (metrics.TryGetValue(Name, out value))
        {
            return true;
        }

        switch (Name)
        {
            case "epoch":
                value = context.Epoch + 1;
                return true;
            case "step":
                value = context.GlobalStep;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Keras' improvement test in the resolved mode.</summary>
    public bool IsImprovement(double current, double? reference, double minDelta) =>
        Monitoring.IsImprovement(current, reference, Mode, minDelta);

    private static string StripValidation(string name) => name.StartsWith("val_", StringComparison.Ordinal) ? name.Substring(4) : name;
}
