using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using Xunit;

namespace DreamTrainer.Tests.BuiltIns;

public class FileCallbackTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dt-files-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void Checkpoint_keeps_exactly_the_top_k_a_last_file_and_a_manifest_with_scores()
    {
        string folder = Path.Combine(_directory, "ckpt");
        var callback = new CheckpointCallback(folder, monitor: "val_loss", saveTopK: 2, fileNameTemplate: "epoch={epoch:D2}-val_loss={val_loss:F2}");
        var scores = new[] { 0.9, 0.5, 0.7, 0.3, 0.8 };

        new Trainer(new TrainerOptions { MaxEpochs = 5 }, new CallbackCollection { callback }).Fit(new ScriptedModule(scores), new[] { 1, 2 }, new[] { 1 });

        Assert.Equal(
            new[] { "checkpoints.json", "epoch=02-val_loss=0.50.ckpt", "epoch=04-val_loss=0.30.ckpt", "last.ckpt" },
            Directory.GetFiles(folder).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "checkpoints.json")))!;
        Assert.Equal("epoch=04-val_loss=0.30.ckpt", manifest["best"]!.GetValue<string>());
        Assert.Equal("min", manifest["mode"]!.GetValue<string>());
        var kept = manifest["kept"]!.AsArray();
        Assert.Equal(new[] { 0.3, 0.5 }, kept.Select(k => k!["score"]!.GetValue<double>()));
        Assert.Equal(new[] { 4, 2 }, kept.Select(k => k!["epoch"]!.GetValue<int>()));
        Assert.Equal(5, CheckpointFile.Read(Path.Combine(folder, "last.ckpt")).EpochsCompleted);
        Assert.Equal(4, CheckpointFile.Read(Path.Combine(folder, "epoch=04-val_loss=0.30.ckpt")).EpochsCompleted);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    [Fact]
    public void One_checkpoint_callback_fitted_twice_keeps_its_ranking_and_overwrites_its_own_files()
    {
        string folder = Path.Combine(_directory, "again");
        var callback = new CheckpointCallback(folder, monitor: "val_loss", mode: MonitorMode.Min, saveTopK: 1, fileNameTemplate: "best");
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 2 }, new CallbackCollection { callback });

        trainer.Fit(new ScriptedModule(new[] { 0.5, 0.4 }), new[] { 1 }, new[] { 1 });
        trainer.Fit(new ScriptedModule(new[] { 0.9, 0.3 }), new[] { 1 }, new[] { 1 });

        // The second run's 0.9 does not beat the kept 0.4; its 0.3 does and replaces it. No -v1 files, no warning.
        Assert.Equal(new[] { "best.ckpt", "checkpoints.json", "last.ckpt" }, Directory.GetFiles(folder).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal(0.3, callback.Kept.Single().Score);
        Assert.Empty(trainer.Context!.Warnings);
    }

    [Theory]
    [InlineData("../escape-{epoch}")]
    [InlineData("sub/{epoch}")]
    [InlineData("..")]
    [InlineData("{epoch:00/00}")]
    public void Templates_that_could_leave_the_directory_are_rejected(string template)
    {
        var error = Assert.Throws<ArgumentException>(() => new CheckpointCallback(_directory, fileNameTemplate: template));

        Assert.Equal("fileNameTemplate", error.ParamName);
        Assert.Contains(template, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_log_has_one_entry_per_epoch_with_epoch_timestamp_and_every_metric_and_a_summary()
    {
        string path = Path.Combine(_directory, "log.json");
        var output = new StringWriter();
        var logger = new JsonTrainingLogger(path, output);

        new Trainer(new TrainerOptions { MaxEpochs = 3 }, new CallbackCollection { logger }).Fit(new ScriptedModule(new[] { 0.9, 0.8, 0.7 }), new[] { 1 }, new[] { 1 });

        JsonArray log = JsonNode.Parse(File.ReadAllText(path))!.AsArray();
        Assert.Equal(3, log.Count);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            JsonObject entry = log[epoch]!.AsObject();
            Assert.Equal(new[] { "epoch", "timestamp", "loss", "val_loss", "lr" }, entry.Select(p => p.Key));
            Assert.Equal(epoch + 1, entry["epoch"]!.GetValue<int>());
            Assert.True(DateTimeOffset.TryParse(entry["timestamp"]!.GetValue<string>(), out _));
            Assert.Equal(1.0 / (epoch + 1), entry["loss"]!.GetValue<double>(), 12);
            Assert.Equal(new[] { 0.9, 0.8, 0.7 }[epoch], entry["val_loss"]!.GetValue<double>());
        }

        JsonNode summary = JsonNode.Parse(File.ReadAllText(logger.SummaryPath))!;
        Assert.True(summary["total_training_time_seconds"]!.GetValue<double>() >= 0);
        Assert.Equal(3, summary["epochs"]!.GetValue<int>());
        Assert.Equal("Completed", summary["end_reason"]!.GetValue<string>());
        Assert.Equal(0.7, summary["final_metrics"]!["val_loss"]!.GetValue<double>());
        Assert.Contains("Training completed after 3 epoch(s)", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Json_log_is_byte_for_byte_the_indented_array_the_json_writer_writes_whole(bool background)
    {
        // The logger serializes each epoch's entry once and writes the file as the array of those
        // texts; the file must read as the writer's own output for the whole array, whatever the
        // metric names and values (braces and quotes in a name, non-ASCII, a NaN written as null).
        string path = Path.Combine(_directory, "log.json");
        var module = new NoOpModule
        {
            Train = (batch, context) =>
            {
                context.Log("acc{\"top\":1}", batch, MetricReduction.Mean);
                context.Log("genauigkeit_ä_€", context.Epoch == 1 ? double.NaN : 0.25 * context.Epoch);
                return 1.0;
            },
        };

        new Trainer(new TrainerOptions { MaxEpochs = 4, WriteFilesInBackground = background }, new CallbackCollection { new JsonTrainingLogger(path) }).Fit(module, new[] { 1, 2 }, new[] { 1 });

        byte[] written = File.ReadAllBytes(path);
        JsonArray log = JsonNode.Parse(written)!.AsArray();
        Assert.Equal(4, log.Count);
        Assert.Equal(1.5, log[0]!["acc{\"top\":1}"]!.GetValue<double>());
        Assert.Null(log[1]!["genauigkeit_ä_€"]);
        var whole = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(whole, new System.Text.Json.JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            log.WriteTo(writer);
        }

        Assert.Equal(System.Text.Encoding.UTF8.GetString(whole.WrittenSpan), System.Text.Encoding.UTF8.GetString(written));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Csv_log_has_epoch_then_sorted_metric_columns_and_NA_for_missing_values(bool background)
    {
        string path = Path.Combine(_directory, "log.csv");

        new Trainer(new TrainerOptions { MaxEpochs = 2, ValidateEveryNEpochs = 2, WriteFilesInBackground = background }, new CallbackCollection { new CsvLogger(path) })
            .Fit(new ScriptedModule(new[] { 0.9, 0.8 }), new[] { 1 }, new[] { 1 });

        string[] lines = File.ReadAllLines(path);
        Assert.Equal("epoch,loss,lr,val_loss", lines[0]);
        Assert.Equal("1,1,0.1,NA", lines[1]);
        Assert.Equal("2,0.5,0.1,0.8", lines[2]);
        Assert.Equal(3, lines.Length);
    }
}
