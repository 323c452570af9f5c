using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DreamTrainer.Tests.BuiltIns;
using DreamTrainer.Tests.Common;
using Xunit;

namespace DreamTrainer.Tests.Monitoring;

public class TensorBoardLoggerTests : IDisposable
{
    private const int StepsPerEpoch = 5;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dt-tb-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void The_event_file_decodes_with_an_independent_reader_and_holds_every_value_of_the_json_log()
    {
        string runDirectory = Path.Combine(_root, "runs", "decode");
        string jsonPath = Path.Combine(_root, "log.json");
        var logger = new TensorBoardLogger(runDirectory, logEveryNSteps: 2);
        var callbacks = new CallbackCollection
        {
            new StepLRScheduler(factor: 0.5, stepEpochs: 1, verbose: false),
            new LearningRateMonitor(LoggingInterval.Epoch),
            new JsonTrainingLogger(jsonPath),
            logger,
        };
        var module = new ScriptedModule(new[] { 0.9, 0.7, 0.8 }) { TrainLoss = epoch => 2.0 / (epoch + 3) };
        DateTimeOffset before = DateTimeOffset.UtcNow;

        new Trainer(new TrainerOptions { MaxEpochs = 3, RunName = "decode" }, callbacks).Fit(module, Data.Batches(StepsPerEpoch), new[] { 1 });

        EventFile file = EventFileReader.Read(logger.FilePath!);
        Assert.Equal(0, file.TailBytes);
        Assert.Equal("brain.Event:2", file.Events[0].FileVersion);
        Assert.All(file.Events, e => Assert.InRange(e.WallTime, before.ToUnixTimeSeconds() - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1));

        JsonArray log = JsonNode.Parse(File.ReadAllText(jsonPath))!.AsArray();
        var epochEvents = file.Events.Where(e => e.Values.Any(v => v.Tag == "epoch")).ToList();
        Assert.Equal(log.Count, epochEvents.Count);
        for (int row = 0; row < log.Count; row++)
        {
            JsonObject entry = log[row]!.AsObject();
            EventRecord record = epochEvents[row];
            var metrics = entry.Where(p => p.Key is not "epoch" and not "timestamp").ToList();
            Assert.Equal((row + 1) * StepsPerEpoch, record.Step);
            Assert.Equal(new[] { "epoch" }.Concat(metrics.Select(m => m.Key)), record.Values.Select(v => v.Tag));
            Assert.Equal(row + 1, record.Values[0].Value);
            foreach (var (metric, (tag, value)) in metrics.Zip(record.Values.Skip(1)))
            {
                Assert.Equal((float)metric.Value!.GetValue<double>(), value);
            }
        }

        var stepEvents = file.Events.Where(e => e.Values.Any(v => v.Tag == "step/loss")).ToList();
        Assert.Equal(new long[] { 2, 4, 6, 8, 10, 12, 14 }, stepEvents.Select(e => e.Step));
        foreach (EventRecord record in stepEvents)
        {
            int epoch = (int)((record.Step - 1) / StepsPerEpoch);
            Assert.Equal(new[] { "step/loss", "step/lr-pg0" }, record.Values.Select(v => v.Tag));
            Assert.Equal((float)(2.0 / (epoch + 3)), record.Values[0].Value);
            Assert.Equal((float)log[epoch]!["lr"]!.GetValue<double>(), record.Values[1].Value);
        }

        // Every record is the version header, an epoch summary or a step summary.
        Assert.Equal(1 + epochEvents.Count + stepEvents.Count, file.Events.Count);
    }

    [Fact]
    public void The_default_folder_is_runs_slash_run_name_and_nothing_is_written_outside_it()
    {
        string name = "tb-default-" + Guid.NewGuid().ToString("N");
        string expected = Path.GetFullPath(Path.Combine(TensorBoardLogger.DefaultRoot, name));
        var logger = new TensorBoardLogger();
        try
        {
            new Trainer(new TrainerOptions { MaxEpochs = 2, RunName = name }, new CallbackCollection { logger }).Fit(new ScriptedModule(new[] { 0.5 }), Data.Batches(3), new[] { 1 });

            Assert.Null(logger.LogDirectory);
            Assert.Equal(expected, Path.GetDirectoryName(logger.FilePath));
            string file = Assert.Single(Directory.GetFileSystemEntries(expected));
            Assert.Matches(new Regex(@"^events\.out\.tfevents\.\d{10}\.[^/\\]+$"), Path.GetFileName(file));
        }
        finally
        {
            if (Directory.Exists(expected))
            {
                Directory.Delete(expected, recursive: true);
            }
        }
    }

    [Fact]
    public void A_given_folder_holds_the_only_file_written_and_a_second_run_gets_its_own_file()
    {
        string runDirectory = Path.Combine(_root, "mine");
        var logger = new TensorBoardLogger(runDirectory, logEveryNSteps: 1);
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection { logger });

        trainer.Fit(new ScriptedModule(new[] { 0.5 }), Data.Batches(3));
        string first = logger.FilePath!;
        trainer.Fit(new ScriptedModule(new[] { 0.5 }), Data.Batches(3));

        Assert.Equal(new[] { runDirectory }, Directory.GetFileSystemEntries(_root));
        Assert.Equal(new[] { first, logger.FilePath }.Order(StringComparer.Ordinal), Directory.GetFiles(runDirectory).Order(StringComparer.Ordinal));
        Assert.All(new[] { first, logger.FilePath! }, path => Assert.Equal(new long[] { 1, 2, 3 }, EventFileReader.Read(path).Scalars().Where(s => s.Tag == "step/loss").Select(s => s.Step)));
    }

    [Fact]
    public void Each_epoch_end_flushes_so_a_reader_sees_the_epoch_while_training_goes_on()
    {
        var logger = new TensorBoardLogger(Path.Combine(_root, "flush"), logEveryNSteps: 0);
        var seen = new List<long>();
        var reader = new LambdaCallback
        {
            OnTrainEpochStart = (context, epoch) =>
            {
                if (epoch > 0)
                {
                    seen.Add(EventFileReader.Read(logger.FilePath!).Scalars().Count(s => s.Tag == "loss"));
                }
            },
        };

        new Trainer(new TrainerOptions { MaxEpochs = 3 }, new CallbackCollection { logger, reader }).Fit(new ScriptedModule(new[] { 0.5 }), Data.Batches(StepsPerEpoch));

        Assert.Equal(new long[] { 1, 2 }, seen);
    }

    [Fact]
    public void A_failing_run_still_flushes_and_closes_its_file_with_every_step_written_before_the_failure()
    {
        var logger = new TensorBoardLogger(Path.Combine(_root, "failed"), logEveryNSteps: 1);
        var module = new ScriptedModule(new[] { 0.5 }) { TrainLoss = epoch => epoch == 1 ? throw new InvalidOperationException("step failed") : 0.25 };

        Assert.Throws<InvalidOperationException>(() => new Trainer(new TrainerOptions { MaxEpochs = 3 }, new CallbackCollection { logger }).Fit(module, Data.Batches(StepsPerEpoch)));

        EventFile file = EventFileReader.Read(logger.FilePath!);
        Assert.Equal(0, file.TailBytes);
        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, file.Scalars().Where(s => s.Tag == "step/loss").Select(s => s.Step));
        Assert.Equal(new long[] { 5 }, file.Scalars().Where(s => s.Tag == "loss").Select(s => s.Step));
        using var exclusive = new FileStream(logger.FilePath!, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
    }

    [Fact]
    public void A_resumed_run_starts_its_file_with_a_session_start_at_the_first_resumed_step()
    {
        string checkpoints = Path.Combine(_root, "ckpt");
        string runDirectory = Path.Combine(_root, "resumed");
        var module = new ScriptedModule(new[] { 0.5 });
        new Trainer(new TrainerOptions { MaxEpochs = 2, RunName = "r" }, new CallbackCollection { new CheckpointCallback(checkpoints), new TensorBoardLogger(runDirectory) })
            .Fit(module, Data.Batches(StepsPerEpoch));

        var logger = new TensorBoardLogger(runDirectory);
        new Trainer(new TrainerOptions { MaxEpochs = 3, RunName = "r" }, new CallbackCollection { new CheckpointCallback(checkpoints), logger })
            .Resume(Path.Combine(checkpoints, CheckpointCallback.LastFileName), module, Data.Batches(StepsPerEpoch));

        EventFile file = EventFileReader.Read(logger.FilePath!);
        EventRecord start = file.Events[1];
        Assert.Equal(1, start.SessionStatus);
        Assert.Equal((2 * StepsPerEpoch) + 1, start.Step);
        Assert.Equal(new long[] { 3 * StepsPerEpoch }, file.Scalars().Where(s => s.Tag == "loss").Select(s => s.Step));
        Assert.Equal(2, Directory.GetFiles(runDirectory).Length);
    }

    [Theory]
    [InlineData(-1, 120, "logEveryNSteps", "-1")]
    [InlineData(50, 0, "flushSeconds", "0")]
    [InlineData(50, -2.5, "flushSeconds", "-2.5")]
    [InlineData(50, double.NaN, "flushSeconds", "NaN")]
    [InlineData(50, double.PositiveInfinity, "flushSeconds", "Infinity")]
    public void Bad_numbers_fail_in_the_constructor_naming_the_parameter_and_value(int logEveryNSteps, double flushSeconds, string parameter, string value)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TensorBoardLogger(logEveryNSteps: logEveryNSteps, flushSeconds: flushSeconds));

        Assert.Equal(parameter, error.ParamName);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blank_folder_or_an_existing_file_as_the_folder_fails_in_the_constructor()
    {
        Directory.CreateDirectory(_root);
        string file = Path.Combine(_root, "a-file");
        File.WriteAllText(file, "x");

        var blank = Assert.Throws<ArgumentException>(() => new TensorBoardLogger("  "));
        var existing = Assert.Throws<ArgumentException>(() => new TensorBoardLogger(file));

        Assert.Equal("logDirectory", blank.ParamName);
        Assert.Contains("'  '", blank.Message, StringComparison.Ordinal);
        Assert.Equal("logDirectory", existing.ParamName);
        Assert.Contains(file, existing.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData(" padded")]
    public void A_run_name_that_is_not_one_folder_name_fails_when_the_trainer_is_created(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => new Trainer(new TrainerOptions { RunName = name }));

        Assert.Equal("RunName", error.ParamName);
        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_writer_crc_is_the_standard_crc32c()
    {
        byte[] check = "123456789"u8.ToArray();

        Assert.Equal(0xE3069283u, EventFileReader.Crc32C(check));
        Assert.Equal(0xE3069283u, DreamTrainer.TensorBoard.Crc32C.Compute(check));
        Assert.Equal(0u, DreamTrainer.TensorBoard.Crc32C.Compute(ReadOnlySpan<byte>.Empty));
    }
}
