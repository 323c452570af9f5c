using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json.Nodes;
using Xunit;

namespace DreamTrainer.Tests;

public class StateAndCheckpointTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dt-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void State_values_round_trip_including_non_finite_doubles_and_nulls()
    {
        var writer = new CallbackStateWriter();
        writer.Write("wait", 3);
        writer.Write("step", 1L << 40);
        writer.Write("best", double.PositiveInfinity);
        writer.Write("nan", double.NaN);
        writer.Write("flag", true);
        writer.Write("name", "val_loss");
        writer.Write("history", new List<double> { 0.1, 0.05 });
        writer.Write("maybe", (double?)null);
        writer.WriteEnum("reason", TrainEndReason.Stopped);

        var reader = new CallbackStateReader(writer);

        Assert.True(reader.TryRead("wait", out int wait) && wait == 3);
        Assert.True(reader.TryRead("step", out long step) && step == 1L << 40);
        Assert.True(reader.TryRead("best", out double best) && double.IsPositiveInfinity(best));
        Assert.True(reader.TryRead("nan", out double nan) && double.IsNaN(nan));
        Assert.True(reader.TryRead("flag", out bool flag) && flag);
        Assert.True(reader.TryRead("name", out string? name) && name == "val_loss");
        Assert.True(reader.TryRead("history", out List<double>? history));
        Assert.Equal(new[] { 0.1, 0.05 }, history);
        Assert.True(reader.TryRead("maybe", out double? maybe) && maybe is null);
        Assert.True(reader.TryReadEnum("reason", out TrainEndReason reason) && reason == TrainEndReason.Stopped);
        Assert.False(reader.TryRead("absent", out int _));
    }

    [Fact]
    public void A_requested_checkpoint_is_written_atomically_with_counters_metrics_and_callback_state()
    {
        var log = new List<string>();
        var requester = new ProbeCallback(log, "requester", HookMask.TrainEpochEnd | HookMask.SaveState)
        {
            OnHook = (hook, context) =>
            {
                if (hook == Hook.TrainEpochEnd && context.Epoch == 1)
                {
                    context.RequestCheckpoint();
                }
            },
        };
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 3, CheckpointDirectory = _directory }, new CallbackCollection { requester });

        trainer.Fit(new NoOpModule(), Data.Batches(2), Data.Batches(1));

        string file = Assert.Single(Directory.GetFiles(_directory));
        Assert.Equal("requested-epoch2-step4.ckpt", Path.GetFileName(file));
        CheckpointFile checkpoint = CheckpointFile.Read(file);
        Assert.Equal(2, checkpoint.EpochsCompleted);
        Assert.Equal(4, checkpoint.GlobalStep);
        Assert.Equal(0.25, checkpoint.Metrics["val_loss"]);
        Assert.Equal(new[] { "requester" }, checkpoint.CallbackKeys);
        Assert.Contains("requester.SaveState", log);

        using ZipArchive archive = ZipFile.OpenRead(file);
        var manifest = JsonNode.Parse(archive.GetEntry("checkpoint.json")!.Open())!;
        Assert.Equal("DreamTrainer.Checkpoint", manifest["format"]!.GetValue<string>());
        Assert.Equal(2, manifest["version"]!.GetValue<int>());
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Resume_continues_at_the_saved_epoch_and_warns_about_unmatched_state()
    {
        var log = new List<string>();
        var saver = new ProbeCallback(log, "saver", HookMask.SaveState | HookMask.LoadState);
        var first = new Trainer(new TrainerOptions { MaxEpochs = 2 }, new CallbackCollection { saver });
        first.Fit(new NoOpModule(), Data.Batches(3));
        string path = Path.Combine(_directory, "run.ckpt");
        first.SaveCheckpoint(path);

        log.Clear();
        var stranger = new ProbeCallback(log, "stranger", HookMask.LoadState | HookMask.TrainEpochStart);
        var second = new Trainer(new TrainerOptions { MaxEpochs = 4 }, new CallbackCollection { stranger });
        TrainResult resumed = second.Resume(path, new NoOpModule(), Data.Batches(3));

        Assert.Equal(4, resumed.EpochsCompleted);
        Assert.Equal(12, resumed.GlobalStep);
        Assert.Equal(new[] { "stranger.TrainEpochStart(2)", "stranger.TrainEpochStart(3)" }, log);
        Assert.Contains(second.Context!.Warnings, w => w.Contains("'saver'", StringComparison.Ordinal) && w.Contains("no callback", StringComparison.Ordinal));
        Assert.Contains(second.Context!.Warnings, w => w.Contains("'stranger'", StringComparison.Ordinal) && w.Contains("starts fresh", StringComparison.Ordinal));
    }

    [Fact]
    public void Reading_a_file_that_is_not_a_checkpoint_names_the_problem()
    {
        Directory.CreateDirectory(_directory);
        string path = Path.Combine(_directory, "junk.ckpt");
        using (var archive = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            archive.CreateEntry("other.txt");
        }

        var error = Assert.Throws<CheckpointFormatException>(() => CheckpointFile.Read(path));
        Assert.Contains("other.txt", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void AtomicFile_replaces_the_whole_file_and_leaves_the_old_one_when_the_writer_fails()
    {
        string path = Path.Combine(_directory, "log.json");
        AtomicFile.WriteAllText(path, "old");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.WriteByte((byte)'x');
            throw new InvalidOperationException("killed mid-write");
        }));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_directory));
        AtomicFile.WriteAllText(path, "new");
        Assert.Equal("new", File.ReadAllText(path));
    }
}
