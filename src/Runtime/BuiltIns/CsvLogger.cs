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
/// atomically after each epoch, every row under one header: when a later epoch brings a new metric
/// (validation every N epochs), earlier rows get <c>NA</c> in its column. With <c>append</c> (or when
/// resuming) earlier rows are kept — read under the file's own header and rewritten under the new one.
/// </summary>
[Callback(Priority = -50, Ranks = CallbackRanks.Zero)]
public sealed partial class CsvLogger
{
    private readonly List<Dictionary<string, string>> _rows = new();
    private readonly SortedSet<string> _columns = new(StringComparer.Ordinal);

    /// <summary>Creates the logger; every argument is checked now.</summary>
    /// <param name="path">The CSV file (not a folder).</param>
    /// <param name="separator">The field separator: not a character of a number, a metric name or a line (letters, digits, <c>.</c>, <c>-</c>, <c>+</c>, <c>_</c>, quotes, control characters).</param>
    /// <param name="append">Keep rows already in the file.</param>
    public CsvLogger(string path, char separator = ',', bool append = false)
    {
        Path = Monitoring.RequireFilePath(path, nameof(path));
        if (separator is '"' or '\'' or '.' or '-' or '+' or '_' || char.IsLetterOrDigit(separator) || (char.IsControl(separator) && separator != '\t') || char.IsSurrogate(separator))
        {
            throw new ArgumentException(
                $"separator cannot be a letter, digit, '.', '-', '+', '_', a quote or a control character (they appear in numbers, metric names and lines); it was {Describe(separator)}.",
                nameof(separator));
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

    // The run's file writes (at once, or in the background in order): set when the run starts.
    private RunFiles _files = RunFiles.Synchronous;

    [OnTrainStart]
    private void Start(TrainerContext context)
    {
        _files = context.Files;
        _rows.Clear();
        _columns.Clear();
        AtomicFile.RemoveStaleTemporaries(System.IO.Path.GetDirectoryName(Path)!, target => target == System.IO.Path.GetFileName(Path));
        if ((Append || context.IsResumed) && File.Exists(Path))
        {
            ReadRows(context);
        }
    }

    [OnTrainEpochEnd]
    private void Record(int epoch, MetricsView metrics)
    {
        var row = new Dictionary<string, string>(StringComparer.Ordinal) { ["epoch"] = (epoch + 1).ToString(CultureInfo.InvariantCulture) };
        foreach (KeyValuePair<string, double> metric in metrics)
        {
            row[metric.Key] = metric.Value.ToString("R", CultureInfo.InvariantCulture);
            _columns.Add(metric.Key);
        }

        _rows.Add(row);

        // The file is rendered where it is written (in the background, off the training thread):
        // the columns as they are now, and the rows, which never change once recorded.
        var columns = new List<string> { "epoch" };
        columns.AddRange(_columns.Where(c => c != "epoch"));
        Dictionary<string, string>[] rows = _rows.ToArray();
        _files.WriteLater(Path, stream => stream.Write(new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(Render(columns, rows))));
    }

    /// <summary>The rows already in the file, by its own header; a resume keeps those of the epochs the checkpoint covers.</summary>
    private void ReadRows(TrainerContext context)
    {
        string[] lines = File.ReadAllLines(Path);
        if (lines.Length == 0)
        {
            return;
        }

        string[] header = lines[0].Split(Separator);
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            string[] fields = lines[i].Split(Separator);
            if (fields.Length != header.Length)
            {
                throw new InvalidDataException(
                    $"CsvLogger: line {i + 1} of '{Path}' has {fields.Length} fields under a header of {header.Length}; the file is not this logger's (separator '{Separator}'). Move it away or choose another path.");
            }

            bool keep = !context.IsResumed
                || (int.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int epoch) && epoch <= context.EpochsCompleted);
            if (!keep)
            {
                continue;
            }

            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int column = 0; column < header.Length; column++)
            {
                row[header[column]] = fields[column];
                if (header[column] != "epoch")
                {
                    _columns.Add(header[column]);
                }
            }

            _rows.Add(row);
        }
    }

    private string Render(List<string> columns, Dictionary<string, string>[] rows)
    {
        var text = new StringBuilder();
        text.Append(string.Join(Separator, columns)).Append('\n');
        foreach (Dictionary<string, string> row in rows)
        {
            text.Append(string.Join(Separator, columns.Select(c => row.TryGetValue(c, out string? v) ? v : "NA"))).Append('\n');
        }

        return text.ToString();
    }

    private static string Describe(char c) => char.IsControl(c) ? $"U+{(int)c:X4}" : $"'{c}'";
}
