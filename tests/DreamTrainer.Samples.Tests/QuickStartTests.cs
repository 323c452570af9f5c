using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using DreamTrainer.Samples.QuickStart;
using Xunit;

namespace DreamTrainer.Samples.Tests;

public class QuickStartTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dt-quickstart-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void QuickStart_trains_above_90_percent_and_leaves_a_log_checkpoints_and_a_plot_of_the_log_naming_each_epoch_with_one_number()
    {
        var output = new StringWriter();

        QuickStartResult run = QuickStartApp.Run(new QuickStartOptions(Epochs: 12, OutputDirectory: _directory), output);

        Assert.True(run.ValidationAccuracy > 0.90, $"accuracy {run.ValidationAccuracy}");
        Assert.Contains("Validation accuracy:", output.ToString(), StringComparison.Ordinal);
        Assert.Contains(run.PlotPath, output.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(run.CheckpointDirectory, "last.ckpt")));
        Assert.True(File.Exists(Path.Combine(run.CheckpointDirectory, "checkpoints.json")));

        JsonArray log = JsonNode.Parse(File.ReadAllText(run.LogPath))!.AsArray();
        Assert.Equal(run.Result.EpochsCompleted, log.Count);

        // The SVG is XML, and its val_loss points are exactly the log's values, epoch by epoch.
        XDocument svg = XDocument.Load(run.PlotPath);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var points = svg.Descendants(ns + "circle")
            .Where(c => (string?)c.Attribute("data-series") == "val_loss")
            .Select(c => (Epoch: (int)c.Attribute("data-epoch")!, Value: (double)c.Attribute("data-value")!))
            .ToList();
        Assert.Equal(log.Select(e => (e!["epoch"]!.GetValue<int>(), e["val_loss"]!.GetValue<double>())), points);
        Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == "QuickStart: MLP on UCI digits");

        // One QuickStart run serves both checks: the samples' tests share two cores with the Monitoring kill test.
        AssertOneNumberForTheBestEpoch(run, output.ToString());
    }

    /// <summary>Console, JSON log, CSV, checkpoint names and summary name the best epoch with one number (from 1).</summary>
    private static void AssertOneNumberForTheBestEpoch(QuickStartResult run, string console)
    {
        int best = int.Parse(System.Text.RegularExpressions.Regex.Match(console, @"the best epoch: (\d+)\.").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        JsonArray log = JsonNode.Parse(File.ReadAllText(run.LogPath))!.AsArray();
        JsonNode bestEntry = log.Single(e => e!["val_loss"]!.GetValue<double>() == log.Min(x => x!["val_loss"]!.GetValue<double>()))!;
        Assert.Equal(best, bestEntry["epoch"]!.GetValue<int>());
        Assert.Equal(1, log[0]!["epoch"]!.GetValue<int>());

        string bestLoss = bestEntry["val_loss"]!.GetValue<double>().ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(File.ReadAllLines(Path.ChangeExtension(run.LogPath, ".csv")), l => l.StartsWith(best + ",", StringComparison.Ordinal) && l.EndsWith("," + bestLoss, StringComparison.Ordinal));
        Assert.Contains(FormattableString.Invariant($"best: epoch={best:D2}-val_loss="), console, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(run.CheckpointDirectory, FormattableString.Invariant($"epoch={best:D2}-val_loss={bestEntry["val_loss"]!.GetValue<double>():F4}.ckpt"))));
        Assert.Contains(FormattableString.Invariant($"Epoch {best}/12: "), console, StringComparison.Ordinal);
    }
}
