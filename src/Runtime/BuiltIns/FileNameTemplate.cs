using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace DreamTrainer;

/// <summary>
/// A checkpoint file-name template: literal text and <c>{name[:format]}</c> placeholders. A
/// placeholder writes only its value (never its name), so names may hold any character but
/// <c>:</c> and <c>}</c> — <c>{val/acc:F2}</c> is fine. Only the literal text and the formats are
/// checked for path separators and <c>..</c>.
/// </summary>
internal sealed class FileNameTemplate
{
    private readonly List<(string Text, string? Name, string? Format)> _parts;

    private FileNameTemplate(List<(string, string?, string?)> parts) => _parts = parts;

    public static FileNameTemplate Parse(string template, string parameter)
    {
        if (string.IsNullOrWhiteSpace(template))
        {
            throw new ArgumentException($"{parameter} must not be empty; it was '{template}'.", parameter);
        }

        var parts = new List<(string, string?, string?)>();
        int i = 0;
        while (i < template.Length)
        {
            int open = template.IndexOf('{', i);
            if (open < 0)
            {
                parts.Add((template.Substring(i), null, null));
                break;
            }

            if (open > i)
            {
                parts.Add((template.Substring(i, open - i), null, null));
            }

            int close = template.IndexOf('}', open);
            if (close < 0)
            {
                throw new ArgumentException($"{parameter} has an unclosed '{{' at position {open}: '{template}'.", parameter);
            }

            string body = template.Substring(open + 1, close - open - 1);
            int colon = body.IndexOf(':', StringComparison.Ordinal);
            string name = colon < 0 ? body : body.Substring(0, colon);
            string? format = colon < 0 ? null : body.Substring(colon + 1);
            if (name.Length == 0)
            {
                throw new ArgumentException($"{parameter} has an empty placeholder at position {open}: '{template}'.", parameter);
            }

            parts.Add((string.Empty, name, format));
            i = close + 1;
        }

        // The template's own text (literals and formats) must not be able to leave the folder; names
        // are never written, and rendered values are cleaned below.
        foreach ((string literal, string? _, string? format) in parts)
        {
            foreach (string piece in new[] { literal, format ?? string.Empty })
            {
                if (piece.Contains("..", StringComparison.Ordinal) || piece.IndexOfAny(new[] { '/', '\\', ':' }) >= 0
                    || piece.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
                {
                    throw new ArgumentException(
                        $"{parameter} must produce a plain file name inside the checkpoint directory (no separators, '..' or ':' outside placeholders); it was '{template}'.",
                        parameter);
                }
            }
        }

        var parsed = new FileNameTemplate(parts);
        return parsed;
    }

    /// <summary>The file name for an epoch number (from 1), the steps taken and the batches done in the epoch.</summary>
    public string Render(int epochNumber, long step, int batch, MetricsView metrics)
    {
        var text = new StringBuilder();
        foreach ((string literal, string? name, string? format) in _parts)
        {
            if (name is null)
            {
                text.Append(literal);
                continue;
            }

            string value = name switch
            {
                "epoch" when !metrics.Contains("epoch") => epochNumber.ToString(format, CultureInfo.InvariantCulture),
                "step" when !metrics.Contains("step") => step.ToString(format, CultureInfo.InvariantCulture),
                "batch" when !metrics.Contains("batch") => batch.ToString(format, CultureInfo.InvariantCulture),
                _ => metrics.TryGetValue(name, out double metric) ? metric.ToString(format ?? "G6", CultureInfo.InvariantCulture) : "0",
            };
            text.Append(value);
        }

        string rendered = text.ToString();
        foreach (char invalid in Path.GetInvalidFileNameChars())
        {
            rendered = rendered.Replace(invalid, '_');
        }

        return rendered.Replace("..", "_", StringComparison.Ordinal);
    }
}
