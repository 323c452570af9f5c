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
/// checked for path separators and <c>..</c>. Everything is checked when the template is parsed:
/// each placeholder must be one of the names the caller allows (a typo would otherwise render
/// every file under one name), each format must be valid for its value, and the longest name it
/// can render (with <c>.ckpt</c> and a version suffix) must fit in a file name (255 bytes).
/// </summary>
internal sealed class FileNameTemplate
{
    private readonly List<(string Text, string? Name, string? Format)> _parts;

    private FileNameTemplate(List<(string, string?, string?)> parts) => _parts = parts;

    /// <summary>The most bytes of a file name on the common file systems (ext4, NTFS, APFS).</summary>
    public const int MaxFileNameBytes = 255;

    /// <summary>What a name adds to the rendered template: a version suffix and the extension.</summary>
    private const string LongestSuffix = "-v9999.ckpt";

    public static FileNameTemplate Parse(string template, string parameter, IReadOnlyCollection<string> allowed)
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

        int longest = Encoding.UTF8.GetByteCount(LongestSuffix);
        foreach ((string literal, string? name, string? format) in parts)
        {
            if (name is null)
            {
                longest += Encoding.UTF8.GetByteCount(literal);
                continue;
            }

            if (!Contains(allowed, name))
            {
                throw new ArgumentException(
                    $"{parameter} has the placeholder '{{{name}}}', which is not one of {string.Join(", ", Braced(allowed))}; it was '{template}'. Declare other metrics in fileNameMetrics.",
                    parameter);
            }

            longest += LongestRendering(name, format, template, parameter);
        }

        if (longest > MaxFileNameBytes)
        {
            throw new ArgumentException(
                $"{parameter} can render file names of {longest} bytes (with its longest values, a version suffix and .ckpt), more than the {MaxFileNameBytes} a file name may have; it was '{template}'.",
                parameter);
        }

        return new FileNameTemplate(parts);
    }

    /// <summary>The byte length of the longest value a placeholder renders; throws when its format is not valid for its value.</summary>
    private static int LongestRendering(string name, string? format, string template, string parameter)
    {
        try
        {
            if (name is "epoch" or "batch")
            {
                return Encoding.UTF8.GetByteCount(int.MaxValue.ToString(format, CultureInfo.InvariantCulture));
            }

            if (name == "step")
            {
                return Encoding.UTF8.GetByteCount(long.MaxValue.ToString(format, CultureInfo.InvariantCulture));
            }

            // A metric: the longest of a tiny, a large and a non-finite value (losses and scores live there).
            int longest = 0;
            foreach (double probe in new[] { -1.2345678901234567E-300, -123456789.12345679, double.NegativeInfinity, double.NaN })
            {
                longest = Math.Max(longest, Encoding.UTF8.GetByteCount(probe.ToString(format ?? "G6", CultureInfo.InvariantCulture)));
            }

            return longest;
        }
        catch (FormatException failure)
        {
            throw new ArgumentException($"{parameter} has the format '{format}' for {{{name}}}, which is not a valid .NET format for its value ({failure.Message}); it was '{template}'.", parameter, failure);
        }
    }

    private static bool Contains(IReadOnlyCollection<string> names, string name)
    {
        foreach (string allowed in names)
        {
            if (allowed == name)
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<string> Braced(IReadOnlyCollection<string> names)
    {
        foreach (string name in names)
        {
            yield return "{" + name + "}";
        }
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
