using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace DreamTrainer;

/// <summary>
/// Writes one CSV row per epoch (Keras' CSVLogger): the column <c>epoch</c> (counted from 1), then
/// every metric in name order; a metric missing from an epoch is written <c>NA</c>. The file is rewritten
/// atomically after each epoch. With <c>append</c> (or when resuming) earlier rows are kept.
/// </summary>
[Callback(Priority = -50, Ranks = CallbackRanks.Zero)]
public sealed partial class CsvLogger
{
    private readonly List<Dictionary<string, double>> _rows = new();
    private readonly SortedSet<string> _columns = new(StringComparer.Ordinal);
    private readonly List<string> _keptLines = new();

    /// <summary>Creates the logger.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="separator">The field separator.</param>
    /// <param name="append">Keep rows already in the file.</param>
    public CsvLogger(string path, char separator = ',', bool append = false)
    {
        Path = Monitoring.RequirePath(path, nameof(path));
        if (separator is '"' or '\n' or '\r' || char.IsLetterOrDigit(separator) || separator == '.')
        {
            throw new ArgumentException($"separator cannot be a letter, digit, '.', quote or line break; it was '{separator}'.", nameof(separator));
        }

        Separator = separator;
        Append = append;
    }

    /// <summary>The CSV file.</summary>
    public string Path { get; }

    /// <summary>The field separator.</summary>
    public char Separator { get; }

    /// <summary>Whether earlier rows are kept.</summary>
    public bool Append { get; }

    /// <summary>The state key: one logger per file.</summary>
    public string StateKey => "CsvLogger[" + System.IO.Path.GetFileName(Path) + "]";

    [OnTrainStart]
    private void Start(TrainerContext context)
    {
        _rows.Clear();
        _columns.Clear();
        _keptLines.Clear();
        if ((Append || context.IsResumed) && File.Exists(Path))
        {
            string[] lines = File.ReadAllLines(Path);
            if (lines.Length > 0)
            {
                foreach (string line in lines.Skip(1))
                {
                    string first = line.Split(Separator)[0];
                    bool keep = !context.IsResumed
                        || (int.TryParse(first, NumberStyles.Integer, CultureInfo.InvariantCulture, out int epoch) && epoch <= context.EpochsCompleted);
                    if (keep && line.Length > 0)
                    {
                        _keptLines.Add(line);
                    }
                }
            }
        }
    }

    [OnTrainEpochEnd]
    private void Record(int epoch, MetricsView metrics)
    {
        var row = new Dictionary<string, double>(StringComparer.Ordinal) { ["epoch"] = epoch + 1 };
        foreach (KeyValuePair<string, double> metric in metrics)
        {
            row[metric.Key] = metric.Value;
            _columns.Add(metric.Key);
        }

        _rows.Add(row);
        AtomicFile.WriteAllText(Path, Render());
    }

    private string Render()
    {
        var columns = new List<string> { "epoch" };
        columns.AddRange(_columns.Where(c => c != "epoch"));
        string header = string.Join(Separator, columns);
        var text = new StringBuilder();
        text.Append(header).Append('\n');
        foreach (string line in _keptLines)
        {
            text.Append(line).Append('\n');
        }

        foreach (Dictionary<string, double> row in _rows)
        {
            text.Append(string.Join(Separator, columns.Select(c => row.TryGetValue(c, out double v) ? v.ToString("R", CultureInfo.InvariantCulture) : "NA"))).Append('\n');
        }

        return text.ToString();
    }
}
