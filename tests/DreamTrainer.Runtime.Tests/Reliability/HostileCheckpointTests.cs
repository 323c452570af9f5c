using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DreamTrainer.Tests.BuiltIns;
using Xunit;
using Xunit.Abstractions;

namespace DreamTrainer.Tests.Reliability;

/// <summary>
/// Hostile and corrupt checkpoints (<see cref="HostileCorpus"/>): each read — and each resume,
/// with the callbacks whose state the file holds — fails with a <see cref="CheckpointFormatException"/>
/// whose message names the file and what is wrong, allocates less than <see cref="AllocationBound"/>
/// (the declared sizes are checked before anything is read; 16 MiB is the default manifest limit),
/// and changes no file: neither outside the checkpoint folder nor the artifacts of the run it would resume.
/// </summary>
public class HostileCheckpointTests : IDisposable
{
    /// <summary>The most a hostile read or resume may allocate: the default manifest limit.</summary>
    private const long AllocationBound = CheckpointReadLimits.DefaultMaxManifestBytes;

    private static readonly double[] Losses = { 1.0, 0.8, 0.9 };

    private readonly string _root = Path.Combine(Path.GetTempPath(), "dt-hostile-" + Guid.NewGuid().ToString("N"));
    private readonly ITestOutputHelper _output;

    public HostileCheckpointTests(ITestOutputHelper output) => _output = output;

    private string RunFolder => Path.Combine(_root, "run");

    private string Outside => Path.Combine(_root, "outside.ckpt");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Every_hostile_checkpoint_fails_with_one_exception_naming_the_file_bounded_in_memory_and_touching_nothing()
    {
        var corpus = new HostileCorpus(GenuineRun());
        File.WriteAllText(Outside, "a file outside the checkpoint folder");
        Dictionary<string, (long Length, DateTime Written)> before = Snapshot();
        long most = 0;
        int cases = 0;
        foreach ((string name, byte[] bytes, string expected) in corpus.Cases(Outside))
        {
            string path = Path.Combine(RunFolder, "hostile.ckpt");
            File.WriteAllBytes(path, bytes);
            foreach ((bool resume, Func<object> attempt) in new (bool, Func<object>)[] { (false, () => CheckpointFile.Read(path)), (true, () => Resume(path)) })
            {
                long allocated = GC.GetTotalAllocatedBytes(precise: true);
                Exception? error = Record.Exception(attempt);
                allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
                most = Math.Max(most, allocated);
                if (error is null && !resume)
                {
                    // Some problems only show when the model or a callback's state is restored.
                    continue;
                }

                Assert.True(error is CheckpointFormatException, $"{name}: {error?.GetType().Name ?? "no exception"}: {error?.Message}");
                Assert.Contains(path, error!.Message, StringComparison.Ordinal);
                Assert.Contains(expected, error.Message, StringComparison.Ordinal);
                Assert.Equal(path, ((CheckpointFormatException)error).FilePath);
                Assert.True(allocated < AllocationBound, $"{name}: allocated {allocated} bytes");
            }

            File.Delete(path);
            Assert.Equal(before, Snapshot());
            cases++;
            _output.WriteLine(name);
        }

        _output.WriteLine($"{cases} cases; the most one read or resume allocated: {most / 1024} KiB");
        Assert.Equal(37, cases);
    }

    [Fact]
    public void A_checkpoint_over_the_model_limit_is_read_once_the_limit_is_raised()
    {
        var corpus = new HostileCorpus(GenuineRun());
        string path = Path.Combine(RunFolder, "large.ckpt");
        File.WriteAllBytes(path, corpus.Cases(Outside).Single(c => c.Name == "a model entry declaring 3 GiB").Bytes);

        var error = Assert.Throws<CheckpointFormatException>(() => CheckpointFile.Read(path));
        Assert.Contains("raise CheckpointReadLimits.MaxModelBytes", error.Message, StringComparison.Ordinal);

        // With the limit raised the header passes; the bytes are still counted as they stream, so
        // the entry that holds far fewer than it declares fails when the model is loaded.
        CheckpointFile checkpoint = CheckpointFile.Read(path, new CheckpointReadLimits { MaxModelBytes = 4L << 30 });
        var module = new ScriptedModule(Losses);
        var loadError = Assert.Throws<CheckpointFormatException>(() => checkpoint.LoadModelInto(module));
        Assert.Contains("holds 4 bytes, but its header declares 3221225472", loadError.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointReadLimits { MaxModelBytes = 10 });
    }

    private object Resume(string path)
    {
        (Trainer trainer, ScriptedModule module) = Setup(RunFolder, maxEpochs: 6);
        return trainer.Resume(path, module, new[] { 1 }, new[] { 1 });
    }

    /// <summary>A genuine run whose folder (log, summary, checkpoints, manifest) a hostile resume must leave as it is; returns its last checkpoint.</summary>
    private string GenuineRun()
    {
        (Trainer trainer, ScriptedModule module) = Setup(RunFolder, maxEpochs: 3);
        trainer.Fit(module, new[] { 1 }, new[] { 1 });
        return Path.Combine(RunFolder, "checkpoints", CheckpointCallback.LastFileName);
    }

    private static (Trainer Trainer, ScriptedModule Module) Setup(string folder, int maxEpochs)
    {
        var callbacks = new CallbackCollection
        {
            new EarlyStoppingCallback("val_loss", MonitorMode.Min, patience: 5, restoreBestWeights: true),
            new ReduceLROnPlateau("val_loss", mode: MonitorMode.Min, patience: 5),
            new JsonTrainingLogger(Path.Combine(folder, "log.json")),
            new CsvLogger(Path.Combine(folder, "log.csv")),
            new CheckpointCallback(Path.Combine(folder, "checkpoints"), "val_loss", MonitorMode.Min, saveTopK: 2),
        };
        return (new Trainer(new TrainerOptions { MaxEpochs = maxEpochs }, callbacks), new ScriptedModule(Losses));
    }

    private Dictionary<string, (long, DateTime)> Snapshot() =>
        Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories)
            .ToDictionary(p => p, p => (new FileInfo(p).Length, File.GetLastWriteTimeUtc(p)), StringComparer.Ordinal);
}
