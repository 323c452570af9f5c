using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;

namespace DreamTrainer.CrashWorker;

/// <summary>
/// A write step of a run: its number (from 1), the step (<c>created</c>, <c>partial</c>,
/// <c>written</c>, <c>renamed</c>, <c>deleted</c>), the file, relative to the run's folder, and how
/// many times that step of that file has happened so far (from 1). A kill point is found by the
/// last three (<see cref="Key"/>), not by the number: with files written in the background a group's
/// temporary files are all written before the first of them is renamed, so the numbering depends on
/// how the writes are grouped, the steps of one file do not.
/// </summary>
public sealed record WriteEvent(int Number, string Stage, string File, int Occurrence)
{
    /// <summary>What identifies the step in any run: the stage, the file, the occurrence.</summary>
    public string Key => string.Create(CultureInfo.InvariantCulture, $"{Stage} {File} ({Occurrence})");

    /// <summary>The kind of file: top-k checkpoint, last, manifest, requested checkpoint, JSON log, summary, CSV log.</summary>
    public string Kind => File switch
    {
        _ when File.EndsWith("last.ckpt", StringComparison.Ordinal) => "last",
        _ when File.StartsWith("requested", StringComparison.Ordinal) => "requested",
        _ when File.EndsWith(".ckpt", StringComparison.Ordinal) => "top-k",
        _ when File.EndsWith("checkpoints.json", StringComparison.Ordinal) => "manifest",
        _ when File.EndsWith("summary.json", StringComparison.Ordinal) => "summary",
        _ when File.EndsWith(".json", StringComparison.Ordinal) => "json-log",
        _ => "csv-log",
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"#{Number} {Key}");
}

/// <summary>What happened at one kill point.</summary>
public sealed record PointResult(WriteEvent Point, string? ResumedFrom, IReadOnlyList<string> Problems)
{
    public bool Passed => Problems.Count == 0;
}

/// <summary>
/// Kills the worker (SIGKILL through <see cref="Process.Kill()"/>) while it is paused at chosen write
/// steps, resumes it from the newest surviving checkpoint, and compares each resumed run's final
/// state with an uninterrupted run's. Runs the worker as child processes of <see cref="WorkerPath"/>.
/// </summary>
public sealed class CrashCampaign
{
    // The kinds a small campaign covers first: a write of each kind of file torn, a rename
    // between two writes, and a delete of a checkpoint that left the top k.
    private static readonly (string Stage, string Kind)[] Preferred =
    {
        ("partial", "top-k"), ("written", "last"), ("partial", "manifest"), ("renamed", "json-log"),
        ("partial", "csv-log"), ("deleted", "top-k"), ("partial", "requested"), ("renamed", "top-k"),
        ("created", "summary"), ("renamed", "manifest"),
    };

    public CrashCampaign(string workerPath, string root, bool background = false)
    {
        WorkerPath = workerPath;
        Root = root;
        Background = background;
    }

    /// <summary>Whether the worker writes its files in the background (<see cref="TrainerOptions.WriteFilesInBackground"/>).</summary>
    public bool Background { get; }

    /// <summary>The worker's dll, run with <c>dotnet</c>.</summary>
    public string WorkerPath { get; }

    /// <summary>Where each run gets its folder.</summary>
    public string Root { get; }

    /// <summary>The uninterrupted run: its write steps, and its final state.</summary>
    public (IReadOnlyList<WriteEvent> Events, JsonObject State) Baseline()
    {
        string folder = Path.Combine(Root, "baseline");
        (int exitCode, string output) = RunToEnd(folder, "--trace");
        if (exitCode != 0)
        {
            throw new InvalidOperationException("The uninterrupted run failed:\n" + output);
        }

        var events = new List<WriteEvent>();
        foreach (string line in output.Split('\n'))
        {
            string[] parts = line.Trim().Split(' ', 4);
            if (parts.Length == 4 && parts[0] == "EVENT")
            {
                string stage = parts[2], file = parts[3];
                events.Add(new WriteEvent(int.Parse(parts[1], CultureInfo.InvariantCulture), stage, file, events.Count(e => e.Stage == stage && e.File == file) + 1));
            }
        }

        return (events, WorkerRun.FinalState(folder));
    }

    /// <summary><paramref name="count"/> points: first one of each preferred kind, then spread evenly over the run.</summary>
    public static IReadOnlyList<WriteEvent> ChoosePoints(IReadOnlyList<WriteEvent> events, int count)
    {
        // The first write step: killed before any checkpoint exists, the resume is a fresh run.
        var chosen = new List<WriteEvent> { events[0] };
        foreach ((string stage, string kind) in Preferred)
        {
            WriteEvent[] matching = events.Where(e => e.Stage == stage && e.Kind == kind).ToArray();
            if (chosen.Count < count && matching.Length > 0)
            {
                chosen.Add(matching[matching.Length / 2]);
            }
        }

        // The rest evenly over the run; a step already chosen gives way to its next free neighbour.
        int rest = count - chosen.Count;
        for (int k = 0; k < rest && chosen.Count < events.Count; k++)
        {
            int index = (int)(((2L * k) + 1) * events.Count / (2L * rest));
            while (chosen.Contains(events[index % events.Count]))
            {
                index++;
            }

            chosen.Add(events[index % events.Count]);
        }

        return chosen.OrderBy(e => e.Number).ToList();
    }

    /// <summary>Kills a run at <paramref name="point"/>, checks the folder, resumes, checks the end state against <paramref name="expected"/>.</summary>
    public PointResult Run(WriteEvent point, JsonObject expected)
    {
        string folder = Path.Combine(Root, "point" + point.Number.ToString("D4", CultureInfo.InvariantCulture));
        var problems = new List<string>();
        KillAt(folder, point);
        problems.AddRange(FolderChecks.TornFiles(folder).Select(p => "after the kill: " + p));
        (int exitCode, string output) = RunToEnd(folder, "--resume");
        if (exitCode != 0)
        {
            problems.Add($"the resumed run failed (exit {exitCode}):\n{output}");
            return new PointResult(point, null, problems);
        }

        problems.AddRange(FolderChecks.TornFiles(folder).Select(p => "after the resume: " + p));
        problems.AddRange(FolderChecks.TemporaryFiles(folder).Select(p => "stale temporary file after the resume: " + p));
        JsonObject actual = WorkerRun.FinalState(folder);
        problems.AddRange(FolderChecks.Differences(expected, actual));
        string? from = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, WorkerRun.ResultFile)))!["resumedFrom"]?.GetValue<string>();
        return new PointResult(point, from, problems);
    }

    private void KillAt(string folder, WriteEvent point)
    {
        using Process process = Start(folder, "--pause-at", point.Stage, point.File, point.Occurrence.ToString(CultureInfo.InvariantCulture));
        string? line;
        var seen = new List<string>();
        while ((line = process.StandardOutput.ReadLine()) is not null && !line.StartsWith("PAUSED", StringComparison.Ordinal))
        {
            seen.Add(line);
        }

        if (line is null)
        {
            process.WaitForExit();
            throw new InvalidOperationException($"The worker ended before {point} (exit {process.ExitCode}):\n{string.Join('\n', seen)}\n{process.StandardError.ReadToEnd()}");
        }

        if (!line.EndsWith(" " + point.Key, StringComparison.Ordinal))
        {
            process.Kill();
            throw new InvalidOperationException($"The worker paused at '{line}', not at '{point}': the run is not deterministic.");
        }

        process.Kill();
        process.WaitForExit();
    }

    private (int ExitCode, string Output) RunToEnd(string folder, string mode)
    {
        using Process process = Start(folder, mode);
        System.Threading.Tasks.Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill();
            throw new TimeoutException($"The worker ({mode}) did not finish in 2 minutes.");
        }

        return (process.ExitCode, output + error.Result);
    }

    private Process Start(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(WorkerPath);
        start.ArgumentList.Add("train");
        start.ArgumentList.Add(folder);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment[WorkerRun.BackgroundVariable] = Background ? "1" : "0";
        return Process.Start(start)!;
    }
}
