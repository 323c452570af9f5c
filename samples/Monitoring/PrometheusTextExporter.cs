using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace DreamTrainer.Samples.Monitoring;

/// <summary>
/// Renders what the OpenTelemetry SDK collected in Prometheus' text exposition format (0.0.4),
/// named as OpenTelemetry's Prometheus exporter names metrics: dots become underscores, the unit
/// is appended (<c>s</c> → <c>_seconds</c>; annotations such as <c>{step}</c> are dropped) and
/// counters end in <c>_total</c>. A pull exporter: its reader gives it <see cref="Collect"/>, which
/// collects the instruments and renders them (a pull reader collects only through that delegate).
/// </summary>
/// <remarks>
/// OpenTelemetry's own <c>OpenTelemetry.Exporter.Prometheus.HttpListener</c> package does this job;
/// it is not in this repository's package source, so the sample carries this small equivalent.
/// With the package, <c>.AddPrometheusHttpListener()</c> replaces this class and <see cref="PrometheusEndpoint"/>.
/// </remarks>
[ExportModes(ExportModes.Pull)]
public sealed class PrometheusTextExporter : BaseExporter<Metric>, IPullMetricExporter
{
    private readonly StringBuilder _text = new();

    /// <summary>Collects the instruments into <see cref="Text"/> (set by the reader); returns false on failure or time-out.</summary>
    public Func<int, bool>? Collect { get; set; }

    /// <summary>The text of the last collection.</summary>
    public string Text { get; private set; } = string.Empty;

    /// <inheritdoc/>
    public override ExportResult Export(in Batch<Metric> batch)
    {
        _text.Clear();
        foreach (Metric metric in batch)
        {
            Render(metric);
        }

        Text = _text.ToString();
        return ExportResult.Success;
    }

    /// <summary>The Prometheus name of an OpenTelemetry metric.</summary>
    /// <param name="name">The instrument name.</param>
    /// <param name="unit">The instrument unit.</param>
    /// <param name="counter">Whether the metric is a monotonic sum.</param>
    /// <returns>The metric name.</returns>
    public static string MetricName(string name, string? unit, bool counter)
    {
        var text = new StringBuilder(Sanitize(name));
        string suffix = UnitSuffix(unit);
        if (suffix.Length > 0 && !text.ToString().EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            text.Append('_').Append(suffix);
        }

        if (counter && !text.ToString().EndsWith("_total", StringComparison.Ordinal))
        {
            text.Append("_total");
        }

        return text.ToString();
    }

    private void Render(Metric metric)
    {
        bool counter = metric.MetricType is MetricType.LongSum or MetricType.DoubleSum;
        bool histogram = metric.MetricType == MetricType.Histogram;
        string type = counter ? "counter" : histogram ? "histogram" : metric.MetricType.IsGauge() || metric.MetricType.IsSum() ? "gauge" : string.Empty;
        if (type.Length == 0)
        {
            return; // Exponential histograms are not configured in this sample.
        }

        string name = MetricName(metric.Name, metric.Unit, counter);
        if (!string.IsNullOrEmpty(metric.Description))
        {
            _text.Append("# HELP ").Append(name).Append(' ').Append(metric.Description.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        }

        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (ref readonly MetricPoint point in metric.GetMetricPoints())
        {
            var labels = new List<KeyValuePair<string, string>>();
            foreach (KeyValuePair<string, object?> tag in point.Tags)
            {
                labels.Add(new(Sanitize(tag.Key), Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty));
            }

            if (histogram)
            {
                long cumulative = 0;
                foreach (HistogramBucket bucket in point.GetHistogramBuckets())
                {
                    cumulative += bucket.BucketCount;
                    string bound = double.IsPositiveInfinity(bucket.ExplicitBound) ? "+Inf" : Number(bucket.ExplicitBound);
                    Sample(name + "_bucket", labels, ("le", bound), cumulative.ToString(CultureInfo.InvariantCulture));
                }

                Sample(name + "_sum", labels, null, Number(point.GetHistogramSum()));
                Sample(name + "_count", labels, null, point.GetHistogramCount().ToString(CultureInfo.InvariantCulture));
                continue;
            }

            string value = metric.MetricType switch
            {
                MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong().ToString(CultureInfo.InvariantCulture),
                MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => Number(point.GetSumDouble()),
                MetricType.LongGauge => point.GetGaugeLastValueLong().ToString(CultureInfo.InvariantCulture),
                _ => Number(point.GetGaugeLastValueDouble()),
            };
            Sample(name, labels, null, value);
        }
    }

    private void Sample(string name, List<KeyValuePair<string, string>> labels, (string Name, string Value)? extra, string value)
    {
        _text.Append(name);
        if (labels.Count > 0 || extra is not null)
        {
            _text.Append('{');
            bool first = true;
            foreach (KeyValuePair<string, string> label in labels)
            {
                Label(label.Key, label.Value, ref first);
            }

            if (extra is { } pair)
            {
                Label(pair.Name, pair.Value, ref first);
            }

            _text.Append('}');
        }

        _text.Append(' ').Append(value).Append('\n');
    }

    private void Label(string name, string value, ref bool first)
    {
        if (!first)
        {
            _text.Append(',');
        }

        first = false;
        _text.Append(name).Append("=\"")
            .Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal))
            .Append('"');
    }

    private static string Number(double value) =>
        double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : value.ToString("R", CultureInfo.InvariantCulture);

    private static string UnitSuffix(string? unit) => unit switch
    {
        null or "" => string.Empty,
        "s" => "seconds",
        "ms" => "milliseconds",
        "By" => "bytes",
        "1" => "ratio",
        _ when unit.StartsWith('{') => string.Empty,
        _ => Sanitize(unit),
    };

    private static string Sanitize(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_');
        }

        if (text.Length > 0 && char.IsAsciiDigit(text[0]))
        {
            text.Insert(0, '_');
        }

        return text.ToString();
    }
}
