using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;

namespace DreamTrainer.CrashWorker;

/// <summary>What a killed or resumed run's folder must satisfy: no torn file, no stale temporary file, the same final state.</summary>
public static class FolderChecks
{
    /// <summary>Every file a run reads back, read as it would be: a checkpoint, the manifest, the JSON logs, the CSV log with one field count.</summary>
    public static IEnumerable<string> TornFiles(string folder)
    {
        var problems = new List<string>();
        if (!Directory.Exists(folder))
        {
            return problems;
        }

        foreach (string path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            string name = Path.GetFileName(path);
            if (name.StartsWith('.'))
            {
                continue;
            }

            try
            {
                if (name.EndsWith(".ckpt", StringComparison.Ordinal))
                {
                    CheckpointFile.Read(path);
                }
                else if (name.EndsWith(".json", StringComparison.Ordinal))
                {
                    _ = JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidDataException("empty");
                }
                else if (name.EndsWith(".csv", StringComparison.Ordinal))
                {
                    string[] lines = File.ReadAllLines(path);
                    int fields = lines[0].Split(',').Length;
                    int ragged = Array.FindIndex(lines, l => l.Split(',').Length != fields);
                    if (ragged >= 0)
                    {
                        throw new InvalidDataException($"line {ragged + 1} has {lines[ragged].Split(',').Length} fields under a header of {fields}");
                    }
                }
            }
            catch (Exception failure) when (failure is IOException or System.Text.Json.JsonException or InvalidDataException)
            {
                problems.Add($"{Path.GetRelativePath(folder, path)}: {failure.Message}");
            }
        }

        problems.AddRange(ManifestProblems(Path.Combine(folder, "checkpoints")));
        return problems;
    }

    /// <summary>Temporary files of atomic writes left in the folder.</summary>
    public static IEnumerable<string> TemporaryFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*.tmp", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(folder, p));

    /// <summary>The manifest's kept and last files exist.</summary>
    private static IEnumerable<string> ManifestProblems(string checkpoints)
    {
        string path = Path.Combine(checkpoints, CheckpointCallback.ManifestFileName);
        if (!File.Exists(path))
        {
            yield break;
        }

        JsonNode manifest = JsonNode.Parse(File.ReadAllText(path))!;
        foreach (JsonNode? kept in manifest["kept"]!.AsArray())
        {
            string file = kept!["file"]!.GetValue<string>();
            if (!File.Exists(Path.Combine(checkpoints, file)))
            {
                yield return $"the manifest keeps '{file}', which does not exist";
            }
        }

        if (manifest["last"]?.GetValue<string>() is { } last && !File.Exists(Path.Combine(checkpoints, last)))
        {
            yield return $"the manifest's last file '{last}' does not exist";
        }
    }

    /// <summary>Each top-level value of the final states that differs.</summary>
    public static IEnumerable<string> Differences(JsonObject expected, JsonObject actual)
    {
        foreach (string key in expected.Select(p => p.Key).Union(actual.Select(p => p.Key)))
        {
            string want = expected[key]?.ToJsonString() ?? "null";
            string got = actual[key]?.ToJsonString() ?? "null";
            if (want != got)
            {
                yield return $"{key}: expected {want}\n      but the resumed run ends with {got}";
            }
        }
    }
}
