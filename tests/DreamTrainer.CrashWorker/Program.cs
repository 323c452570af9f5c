using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using DreamTrainer;
using DreamTrainer.CrashWorker;

// dotnet DreamTrainer.CrashWorker.dll train <folder> [--trace | --pause-at <stage> <file> <occurrence> | --resume]
// dotnet DreamTrainer.CrashWorker.dll --points N [--root <folder>] [--background]
if (args.Length >= 2 && args[0] == "train")
{
    string folder = Path.GetFullPath(args[1]);
    string mode = args.Length > 2 ? args[2] : string.Empty;
    string? pauseAt = mode == "--pause-at" ? $"{args[3]} {args[4]} ({args[5]})" : null;
    int count = 0;
    var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
    if (mode is "--trace" or "--pause-at")
    {
        // Every write step of the run, numbered; at the chosen one the worker says so and waits to be killed.
        AtomicFile.FaultInjection = (stage, path) =>
        {
            count++;
            string file = Path.GetRelativePath(folder, path);
            occurrences[stage + " " + file] = occurrences.GetValueOrDefault(stage + " " + file) + 1;
            var step = new WriteEvent(count, stage, file, occurrences[stage + " " + file]);
            if (step.Key == pauseAt)
            {
                Console.Out.WriteLine("PAUSED " + step);
                Console.Out.Flush();
                Console.In.ReadLine();
                Environment.FailFast("The crash worker was resumed instead of killed.");
            }

            if (mode == "--trace")
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"EVENT {step.Number} {step.Stage} {step.File}"));
            }
        };
    }

    WorkerRun.Train(folder, resume: mode == "--resume");
    return 0;
}

int points = args.Length >= 2 && args[0] == "--points" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
int rootAt = Array.IndexOf(args, "--root");
string root = rootAt >= 0 ? Path.GetFullPath(args[rootAt + 1]) : Path.Combine(Path.GetTempPath(), "dt-crash-" + Guid.NewGuid().ToString("N"));
var campaign = new CrashCampaign(typeof(WorkerRun).Assembly.Location, root, background: args.Contains("--background"));
var (events, expected) = campaign.Baseline();
Console.WriteLine($"uninterrupted run: {events.Count} write steps, ends {expected["reason"]} after epoch {expected["epochsCompleted"]} ({expected["stopReason"]})");
int failed = 0;
foreach (WriteEvent point in CrashCampaign.ChoosePoints(events, points))
{
    PointResult result = campaign.Run(point, expected);
    failed += result.Passed ? 0 : 1;
    Console.WriteLine($"{(result.Passed ? "ok  " : "FAIL")} killed at {point,-55} resumed from {result.ResumedFrom ?? "(nothing: a fresh run)"}");
    foreach (string problem in result.Problems)
    {
        Console.WriteLine("       " + problem);
    }
}

Console.WriteLine($"{points - failed} of {points} kill points resumed to the uninterrupted run's final state; folders in {root}");
return failed == 0 ? 0 : 1;
