using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DreamTrainer.CrashWorker;
using Xunit;
using Xunit.Abstractions;

namespace DreamTrainer.Tests.Reliability;

/// <summary>
/// A real training (tests/DreamTrainer.CrashWorker) killed with SIGKILL at chosen write steps —
/// inside each kind of write (a top-k checkpoint, last.ckpt, the manifest, a mid-epoch checkpoint,
/// the JSON and CSV logs, the summary) and between writes (after a rename, after a delete) — then
/// resumed from the newest surviving checkpoint: no torn file, no stale temporary file, and the
/// final state of an uninterrupted run (stop epoch, best score, restored weights' hash, learning
/// rate, early-stopping and plateau counters, JSON/CSV rows, the checkpoint files and manifest).
/// CI runs 10 points; `dotnet run --project tests/DreamTrainer.CrashWorker -- --points 50` runs more.
/// </summary>
public class CrashResumeTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dt-crash-" + Guid.NewGuid().ToString("N"));
    private readonly ITestOutputHelper _output;

    public CrashResumeTests(ITestOutputHelper output) => _output = output;

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_run_killed_at_any_chosen_write_step_resumes_to_the_uninterrupted_final_state(bool background)
    {
        string worker = Path.Combine(AppContext.BaseDirectory, "DreamTrainer.CrashWorker.dll");
        Assert.True(File.Exists(worker), worker + " is not next to the tests");

        // In the background the same writes happen in the same order, off the training thread.
        var campaign = new CrashCampaign(worker, _root, background);
        (IReadOnlyList<WriteEvent> events, System.Text.Json.Nodes.JsonObject expected) = campaign.Baseline();

        // The uninterrupted run is one worth resuming: early stopping restores an earlier epoch's
        // weights, the plateau scheduler lowered the rate, and every kind of write happens.
        Assert.Equal("Stopped", expected["reason"]!.GetValue<string>());
        Assert.True(expected["bestEpoch"]!.GetValue<int>() < expected["stoppedEpoch"]!.GetValue<int>());
        Assert.True(expected["learningRate"]!.GetValue<double>() < 0.05);
        Assert.Equal(
            new[] { "created", "deleted", "partial", "renamed", "written" },
            events.Select(e => e.Stage).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(
            new[] { "csv-log", "json-log", "last", "manifest", "requested", "summary", "top-k" },
            events.Select(e => e.Kind).Distinct().Order(StringComparer.Ordinal));

        IReadOnlyList<WriteEvent> points = CrashCampaign.ChoosePoints(events, 10);
        var failures = new List<string>();
        var resumedFrom = new List<string>();
        foreach (WriteEvent point in points)
        {
            PointResult result = campaign.Run(point, expected);
            _output.WriteLine($"{(result.Passed ? "ok  " : "FAIL")} killed at {point}, resumed from {result.ResumedFrom ?? "(nothing: a fresh run)"}");
            failures.AddRange(result.Problems.Select(p => $"killed at {point}: {p}"));
            resumedFrom.Add(result.ResumedFrom ?? "fresh");
        }

        Assert.Empty(failures);
        Assert.Equal(10, points.Count);

        // The resumes start from each kind of place: nothing (a fresh run), a checkpoint written
        // inside an epoch, last.ckpt, and a top-k file newer than last.ckpt.
        Assert.Contains("fresh", resumedFrom);
        Assert.Contains(resumedFrom, r => r.StartsWith("requested", StringComparison.Ordinal));
        Assert.Contains(resumedFrom, r => r.EndsWith("last.ckpt", StringComparison.Ordinal));
        Assert.Contains(resumedFrom, r => r.StartsWith("checkpoints/epoch=", StringComparison.Ordinal));
    }
}
