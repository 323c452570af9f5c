using System;
using System.Globalization;
using System.IO;

namespace DreamTrainer;

/// <summary>Whether a smaller or a larger value of a monitored metric is better.</summary>
public enum MonitorMode
{
    /// <summary>
    /// Decided at the first check from the metric's declared direction (Keras 3's rule):
    /// <see cref="ITrainingModule{TBatch}.MetricDirections"/> or
    /// <see cref="TrainerContext.DeclareMetricDirection"/>, where <c>val_acc</c> also finds a
    /// declaration of <c>acc</c>; <c>loss</c> and <c>val_loss</c> are minimized, <c>epoch</c> and
    /// <c>step</c> maximized. Any other metric fails at the first check with a message saying how
    /// to fix it.
    /// </summary>
    Auto,

    /// <summary>Smaller is better (losses).</summary>
    Min,

    /// <summary>Larger is better (accuracies).</summary>
    Max,
}

/// <summary>The shared rules of callbacks that watch a metric: argument checks and formatting.</summary>
internal static class Monitoring
{
    /// <summary>Keras' <c>_is_improvement</c>: no reference is always an improvement; otherwise beat it by more than <paramref name="minDelta"/>.</summary>
    public static bool IsImprovement(double current, double? reference, MonitorMode mode, double minDelta)
    {
        if (reference is not { } value)
        {
            return true;
        }

        return mode == MonitorMode.Min ? current + minDelta < value : current - minDelta > value;
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

        if (path.IndexOfAny(Path.GetInvalidPathChars()) >= 0 || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"{parameter} has characters not allowed in a path: '{path.Replace("\0", "\\0", StringComparison.Ordinal)}'.", parameter);
        }

        // "~/runs" means the home folder, as in a shell and in Lightning.
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
        {
            path = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.Length > 2 ? path.Substring(2) : string.Empty);
        }

        return Path.GetFullPath(path);
    }

    /// <summary><see cref="RequirePath"/> for a file to write: not a folder, not ending in a separator.</summary>
    public static string RequireFilePath(string path, string parameter)
    {
        if (path is not null && (path.EndsWith('/') || path.EndsWith('\\') || path.EndsWith(Path.DirectorySeparatorChar) || path.EndsWith(Path.AltDirectorySeparatorChar)))
        {
            throw new ArgumentException($"{parameter} must be a file, not a folder; it was '{path}', which ends in a separator.", parameter);
        }

        string full = RequirePath(path!, parameter);
        if (Directory.Exists(full))
        {
            throw new ArgumentException($"{parameter} must be a file, but '{path}' is an existing folder.", parameter);
        }

        return full;
    }

    public static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>A learning rate as Python prints a float (<c>1.0</c>, <c>0.05</c>), as Keras' messages show it.</summary>
    public static string FormatRate(double value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return double.IsFinite(value) && text.IndexOfAny(new[] { '.', 'E' }) < 0 ? text + ".0" : text;
    }

    /// <summary>A 0-based index as the number a person reads (from 1).</summary>
    public static int Number(int index) => index + 1;
}
