using System;
using System.Globalization;
using System.IO;

namespace DreamTrainer;

/// <summary>Whether a smaller or a larger value of a monitored metric is better.</summary>
public enum MonitorMode
{
    /// <summary>Larger for names with <c>acc</c> or <c>auc</c> in them, smaller otherwise (Keras' rule).</summary>
    Auto,

    /// <summary>Smaller is better (losses).</summary>
    Min,

    /// <summary>Larger is better (accuracies).</summary>
    Max,
}

/// <summary>The shared rules of callbacks that watch a metric: mode resolution, reading with a clear error, validation.</summary>
internal static class Monitoring
{
    public static MonitorMode Resolve(MonitorMode mode, string monitor)
    {
        if (mode != MonitorMode.Auto)
        {
            return mode;
        }

        return monitor.Contains("acc", StringComparison.OrdinalIgnoreCase) || monitor.Contains("auc", StringComparison.OrdinalIgnoreCase)
            ? MonitorMode.Max
            : MonitorMode.Min;
    }

    /// <summary>
    /// Reads <paramref name="monitor"/> at an epoch end. A <c>val_*</c> metric may be absent in an
    /// epoch without validation (returns false); otherwise an absent metric is a configuration error
    /// that names the callback and lists the metrics that exist.
    /// </summary>
    public static bool TryRead(string owner, string monitor, TrainerContext context, MetricsView metrics, int epoch, out double value)
    {
        if (metrics.TryGetValue(monitor, out value))
        {
            return true;
        }

        bool validationMetric = monitor.StartsWith("val_", StringComparison.Ordinal);
        if (validationMetric && !context.IsValidationEpoch)
        {
            return false;
        }

        throw new InvalidOperationException(
            $"{owner} monitors '{monitor}', but epoch {epoch} has no such metric; the metrics are: {metrics.Describe()}."
            + (validationMetric ? " Does the run have validation data?" : string.Empty));
    }

    public static void RequireName(string value, string parameter)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{parameter} must name a metric; it was '{value}'.", parameter);
        }
    }

    public static void RequireNonNegative(int value, string parameter)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(parameter, value, $"{parameter} must be 0 or more; it was {value}.");
        }
    }

    public static void RequirePositive(int value, string parameter)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(parameter, value, $"{parameter} must be at least 1; it was {value}.");
        }
    }

    public static void RequireFinite(double value, string parameter)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(parameter, value, $"{parameter} must be a finite number; it was {value.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    public static void RequireFactor(double factor, string parameter)
    {
        if (!(factor > 0 && factor < 1))
        {
            throw new ArgumentOutOfRangeException(parameter, factor, $"{parameter} must be between 0 and 1 (exclusive); it was {factor.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    public static void RequireMode(MonitorMode mode, string parameter)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(parameter, mode, $"{parameter} must be Auto, Min or Max; it was {(int)mode}.");
        }
    }

    public static string RequirePath(string path, string parameter)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException($"{parameter} must be a file path; it was '{path}'.", parameter);
        }

        if (path.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            throw new ArgumentException($"{parameter} has characters not allowed in a path: '{path}'.", parameter);
        }

        return Path.GetFullPath(path);
    }

    public static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
