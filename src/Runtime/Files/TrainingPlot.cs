using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security;
using System.Text;
using System.Text.Json.Nodes;

namespace DreamTrainer;

/// <summary>
/// Renders a training log written by <see cref="JsonTrainingLogger"/> as an SVG line chart: the
/// chosen metrics (by default <c>loss</c> and <c>val_loss</c>) against the epoch, with axes, ticks,
/// a legend and a title. Each point is a circle carrying <c>data-series</c>, <c>data-epoch</c> and
/// <c>data-value</c>, so what is drawn can be checked against the log.
/// </summary>
public static class TrainingPlot
{
    private const int Width = 720;
    private const int Height = 440;
    private const int Left = 70;
    private const int Right = 150;
    private const int Top = 50;
    private const int Bottom = 60;
    private static readonly string[] Colors = { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b" };

    /// <summary>Reads a JSON training log and returns the SVG.</summary>
    /// <param name="jsonLogPath">The log (a JSON array of epoch objects).</param>
    /// <param name="title">The chart title; default: "Training loss".</param>
    /// <param name="series">The metrics to draw; default: loss and val_loss.</param>
    /// <param name="yLabel">The vertical axis label.</param>
    /// <returns>The SVG document.</returns>
    /// <exception cref="InvalidDataException">The file is not a JSON array of objects with an <c>epoch</c>.</exception>
    public static string RenderSvg(string jsonLogPath, string? title = null, IReadOnlyList<string>? series = null, string yLabel = "loss")
    {
        ArgumentException.ThrowIfNullOrEmpty(jsonLogPath);
        if (JsonNode.Parse(File.ReadAllText(jsonLogPath)) is not JsonArray log)
        {
            throw new InvalidDataException($"'{jsonLogPath}' is not a JSON array of epochs.");
        }

        var epochs = new List<(int Epoch, Dictionary<string, double> Values)>();
        foreach (JsonNode? node in log)
        {
            if (node is not JsonObject entry || entry["epoch"] is not JsonValue epochValue)
            {
                throw new InvalidDataException($"'{jsonLogPath}': every entry needs an \"epoch\".");
            }

            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, JsonNode?> metric in entry)
            {
                if (metric.Value is JsonValue value && value.TryGetValue(out double number))
                {
                    values[metric.Key] = number;
                }
            }

            epochs.Add((epochValue.GetValue<int>(), values));
        }

        return Render(epochs, title ?? "Training loss", series ?? new[] { "loss", "val_loss" }, yLabel);
    }

    /// <summary>Renders a JSON training log to an SVG file, written atomically.</summary>
    /// <param name="jsonLogPath">The log.</param>
    /// <param name="svgPath">The SVG file to write.</param>
    /// <param name="title">The chart title.</param>
    /// <param name="series">The metrics to draw; default: loss and val_loss.</param>
    /// <param name="yLabel">The vertical axis label.</param>
    public static void WriteSvg(string jsonLogPath, string svgPath, string? title = null, IReadOnlyList<string>? series = null, string yLabel = "loss") =>
        AtomicFile.WriteAllText(svgPath, RenderSvg(jsonLogPath, title, series, yLabel));

    private static string Render(List<(int Epoch, Dictionary<string, double> Values)> epochs, string title, IReadOnlyList<string> series, string yLabel)
    {
        var points = new List<(string Name, List<(int Epoch, double Value)> Points)>();
        double minY = double.PositiveInfinity, maxY = double.NegativeInfinity;
        int minX = int.MaxValue, maxX = int.MinValue;
        foreach (string name in series)
        {
            var line = new List<(int, double)>();
            foreach ((int epoch, Dictionary<string, double> values) in epochs)
            {
                if (values.TryGetValue(name, out double value) && double.IsFinite(value))
                {
                    line.Add((epoch, value));
                    minY = Math.Min(minY, value);
                    maxY = Math.Max(maxY, value);
                    minX = Math.Min(minX, epoch);
                    maxX = Math.Max(maxX, epoch);
                }
            }

            if (line.Count > 0)
            {
                points.Add((name, line));
            }
        }

        if (points.Count == 0)
        {
            minX = 0;
            maxX = 1;
            minY = 0;
            maxY = 1;
        }

        if (maxX == minX)
        {
            maxX = minX + 1;
        }

        (double low, double high, double step) = NiceScale(minY, maxY);
        int plotWidth = Width - Left - Right;
        int plotHeight = Height - Top - Bottom;
        double X(double epoch) => Left + ((epoch - minX) / (maxX - minX) * plotWidth);
        double Y(double value) => Top + plotHeight - ((value - low) / (high - low) * plotHeight);

        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(Invariant($"  <rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n"));
        svg.Append(Invariant($"  <text x=\"{Width / 2}\" y=\"28\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">{Escape(title)}</text>\n"));

        // Axes with ticks and grid lines.
        svg.Append(Invariant($"  <g class=\"axes\" stroke=\"#333\">\n    <line x1=\"{Left}\" y1=\"{Top + plotHeight}\" x2=\"{Left + plotWidth}\" y2=\"{Top + plotHeight}\"/>\n    <line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Top + plotHeight}\"/>\n  </g>\n"));
        svg.Append("  <g class=\"y-ticks\">\n");
        for (double tick = low; tick <= high + (step / 2); tick += step)
        {
            double y = Y(tick);
            svg.Append(Invariant($"    <line x1=\"{Left}\" y1=\"{y:F1}\" x2=\"{Left + plotWidth}\" y2=\"{y:F1}\" stroke=\"#e5e5e5\"/>\n"));
            svg.Append(Invariant($"    <text x=\"{Left - 8}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{FormatTick(tick, step)}</text>\n"));
        }

        svg.Append("  </g>\n  <g class=\"x-ticks\">\n");
        int xStep = Math.Max(1, (int)Math.Ceiling((maxX - minX) / 10.0));
        for (int tick = minX; tick <= maxX; tick += xStep)
        {
            double x = X(tick);
            svg.Append(Invariant($"    <line x1=\"{x:F1}\" y1=\"{Top + plotHeight}\" x2=\"{x:F1}\" y2=\"{Top + plotHeight + 5}\" stroke=\"#333\"/>\n"));
            svg.Append(Invariant($"    <text x=\"{x:F1}\" y=\"{Top + plotHeight + 20}\" text-anchor=\"middle\">{tick}</text>\n"));
        }

        svg.Append("  </g>\n");
        svg.Append(Invariant($"  <text x=\"{Left + (plotWidth / 2)}\" y=\"{Height - 15}\" text-anchor=\"middle\">epoch</text>\n"));
        svg.Append(Invariant($"  <text x=\"18\" y=\"{Top + (plotHeight / 2)}\" text-anchor=\"middle\" transform=\"rotate(-90 18 {Top + (plotHeight / 2)})\">{Escape(yLabel)}</text>\n"));

        // One polyline and its markers per series, then the legend.
        for (int s = 0; s < points.Count; s++)
        {
            (string name, List<(int Epoch, double Value)> line) = points[s];
            string color = Colors[s % Colors.Length];
            svg.Append(Invariant($"  <g class=\"series\" data-series=\"{Escape(name)}\" stroke=\"{color}\" fill=\"{color}\">\n    <polyline fill=\"none\" stroke-width=\"2\" points=\""));
            for (int i = 0; i < line.Count; i++)
            {
                svg.Append(Invariant($"{(i > 0 ? " " : string.Empty)}{X(line[i].Epoch):F1},{Y(line[i].Value):F1}"));
            }

            svg.Append("\"/>\n");
            foreach ((int epoch, double value) in line)
            {
                svg.Append(Invariant($"    <circle cx=\"{X(epoch):F1}\" cy=\"{Y(value):F1}\" r=\"3\" data-series=\"{Escape(name)}\" data-epoch=\"{epoch}\" data-value=\"{value:R}\"/>\n"));
            }

            svg.Append("  </g>\n");
            double legendY = Top + 10 + (s * 22);
            svg.Append(Invariant($"  <g class=\"legend\">\n    <line x1=\"{Width - Right + 15}\" y1=\"{legendY:F1}\" x2=\"{Width - Right + 40}\" y2=\"{legendY:F1}\" stroke=\"{color}\" stroke-width=\"2\"/>\n"));
            svg.Append(Invariant($"    <text x=\"{Width - Right + 46}\" y=\"{legendY + 4:F1}\">{Escape(name)}</text>\n  </g>\n"));
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>Axis bounds and tick step on a 1-2-5 grid, about five ticks.</summary>
    private static (double Low, double High, double Step) NiceScale(double min, double max)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            return (0, 1, 0.2);
        }

        if (max - min < 1e-12)
        {
            double pad = Math.Abs(min) > 1e-12 ? Math.Abs(min) * 0.1 : 1;
            min -= pad;
            max += pad;
        }

        double rough = (max - min) / 5;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double fraction = rough / magnitude;
        double step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
        return (Math.Floor(min / step) * step, Math.Ceiling(max / step) * step, step);
    }

    private static string FormatTick(double tick, double step)
    {
        int decimals = Math.Max(0, -(int)Math.Floor(Math.Log10(step)));
        return tick.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private static string Escape(string text) => SecurityElement.Escape(text) ?? string.Empty;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
