using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using DreamTrainer.Tests.BuiltIns;
using Xunit;

namespace DreamTrainer.Tests.Reliability;

/// <summary>
/// Files written in the background (TrainerOptions.WriteFilesInBackground): the same atomic writes
/// and deletes as synchronous writing, in the same order, none on the training thread, and a
/// failed one fails the run. AtomicFile's fault seam is process-wide, so these run alone.
/// </summary>
[Collection(nameof(BackgroundWritesTests))]
[CollectionDefinition(nameof(BackgroundWritesTests), DisableParallelization = true)]
public sealed class BackgroundWritesTests : IDisposable
{
    private static readonly double[] ValidationLosses = { 0.9, 0.7, 0.8, 0.5, 0.6, 0.4 };
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dt-background-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        AtomicFile.FaultInjection = null;
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Background_writes_are_the_synchronous_writes_in_the_same_order_all_off_the_training_thread()
    {
        List<(string Stage, string File, int Thread)> synchronous = Run(background: false, "sync");
        List<(string Stage, string File, int Thread)> background = Run(background: true, "background");

        Assert.True(synchronous.Count > 30, $"only {synchronous.Count} write steps");

        // The files change (renames, deletes) in the same order; the temporary files of writes
        // waiting together are written and flushed first, so only the other steps may move earlier.
        static IEnumerable<(string, string)> Visible(List<(string Stage, string File, int Thread)> events) =>
            events.Where(e => e.Stage is "renamed" or "deleted").Select(e => (e.Stage, e.File));
        Assert.Equal(Visible(synchronous), Visible(background));
        Assert.Equal(synchronous.Select(e => (e.Stage, e.File)).Order(), background.Select(e => (e.Stage, e.File)).Order());

        Assert.All(synchronous, e => Assert.Equal(Environment.CurrentManagedThreadId, e.Thread));
        Assert.All(background, e => Assert.NotEqual(Environment.CurrentManagedThreadId, e.Thread));
        Assert.Equal(Listing("sync"), Listing("background"));
    }

    [Fact]
    public void An_epochs_files_go_to_the_disk_with_one_flush_each_written_before_any_is_renamed()
    {
        List<(string Stage, string File, int Thread)> synchronous = Run(background: false, "sync");
        List<(string Stage, string File, int Thread)> background = Run(background: true, "background");

        // A flush reports "written" for each of its files at once: count the runs of "written".
        static int Flushes(List<(string Stage, string File, int Thread)> events) =>
            events.Where((e, k) => e.Stage == "written" && (k == 0 || events[k - 1].Stage != "written")).Count();
        int files = synchronous.Count(e => e.Stage == "written");
        Assert.Equal(files, Flushes(synchronous));
        Assert.True(Flushes(background) <= ValidationLosses.Length + 1, $"{Flushes(background)} flushes for {files} files over {ValidationLosses.Length} epochs");
        Assert.True(files >= 4 * ValidationLosses.Length, $"only {files} files written");

        // Within a flush's group, every temporary file is written before the first rename.
        for (int k = 0; k < background.Count; k++)
        {
            if (background[k].Stage == "renamed")
            {
                int groupStart = background.FindLastIndex(k, e => e.Stage == "written");
                Assert.DoesNotContain(background.Skip(groupStart + 1).Take(k - groupStart - 1), e => e.Stage is "created" or "written");
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_top_k_checkpoint_and_last_ckpt_of_one_save_hold_one_state_taken_once(bool background)
    {
        string folder = Path.Combine(_root, background ? "once-background" : "once-sync");
        var module = new ScriptedModule(ValidationLosses);
        var checkpoints = new CheckpointCallback(folder, "val_loss", saveTopK: 1);
        var options = new TrainerOptions { MaxEpochs = ValidationLosses.Length, WriteFilesInBackground = background };
        new Trainer(options, new CallbackCollection { checkpoints }).Fit(module, new[] { 1, 2, 3 }, new[] { 1 });

        // Every epoch writes last.ckpt; the epochs that improve (0.9, 0.7, 0.5, 0.4) a top-k file too,
        // from the same state: read once an epoch in either mode (synchronously, last.ckpt copies the file).
        Assert.Equal(ValidationLosses.Length, module.Saves);
        string best = Assert.Single(Directory.EnumerateFiles(folder, "epoch=6*.ckpt"));
        Assert.Equal(Entries(best), Entries(Path.Combine(folder, "last.ckpt")));
    }

    private static Dictionary<string, string> Entries(string path)
    {
        using var archive = System.IO.Compression.ZipFile.OpenRead(path);
        return archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var reader = new StreamReader(e.Open());
            return reader.ReadToEnd();
        });
    }

    [Fact]
    public void A_failed_background_write_fails_the_run_naming_the_file_and_nothing_after_it_is_written()
    {
        string folder = Path.Combine(_root, "failing");
        var events = new List<string>();
        AtomicFile.FaultInjection = (stage, path) =>
        {
            if (!path.StartsWith(folder, StringComparison.Ordinal))
            {
                return;
            }

            events.Add(stage + " " + Path.GetFileName(path));
            if (stage == "created" && path.EndsWith("last.ckpt", StringComparison.Ordinal) && events.Count(e => e == "created last.ckpt") == 2)
            {
                throw new IOException("disk full");
            }
        };

        Exception failure = Assert.ThrowsAny<Exception>(() => Fit(folder, background: true));

        string messages = string.Join(" | ", Chain(failure).Select(e => e.Message));
        Assert.Contains("in the background failed", messages, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(folder, "checkpoints", "last.ckpt"), messages, StringComparison.Ordinal);
        Assert.Contains("disk full", messages, StringComparison.Ordinal);

        // The writes stopped at the failed one: those asked for before it were completed, nothing
        // after it was begun, and the folder is in a state the writes reached in order.
        int failedAt = events.LastIndexOf("created last.ckpt");
        Assert.All(events.Skip(failedAt + 1), e => Assert.True(e.StartsWith("written ", StringComparison.Ordinal) || e.StartsWith("renamed ", StringComparison.Ordinal), e));
        Assert.All(events.Skip(failedAt + 1), e => Assert.Contains("created " + e[(e.IndexOf(' ') + 1)..], events.Take(failedAt)));
        Assert.Equal(1, events.Count(e => e == "renamed last.ckpt"));
        Assert.Empty(Directory.EnumerateFiles(folder, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Fit_returns_only_once_every_file_is_written_however_slow_the_disk()
    {
        int expected = Run(background: false, "sync").Count;
        string folder = Path.Combine(_root, "slow");
        int steps = 0;
        AtomicFile.FaultInjection = (stage, path) =>
        {
            if (path.StartsWith(folder, StringComparison.Ordinal))
            {
                Thread.Sleep(5);
                Interlocked.Increment(ref steps);
            }
        };

        Fit(folder, background: true);
        int atReturn = Volatile.Read(ref steps);

        Assert.Equal(expected, atReturn);
        Assert.Empty(Directory.EnumerateFiles(folder, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Training_waits_once_two_groups_wait_so_memory_stays_bounded_when_the_disk_stalls()
    {
        // The writer stalls on the first file; the training thread goes on handing over an epoch's
        // group at each next epoch's first step, and waits once two groups wait behind the stalled one.
        string log = Path.Combine(_root, "stalled", "training_log.json");
        using var stalled = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        AtomicFile.FaultInjection = (stage, path) =>
        {
            if (path == log && stage == "created" && !stalled.IsSet)
            {
                stalled.Set();
                release.Wait(TimeSpan.FromSeconds(30));
            }
        };
        int epochsEnded = 0;
        var callbacks = new CallbackCollection
        {
            new JsonTrainingLogger(log),
            new LambdaCallback { OnTrainEpochEnd = (_, _, _) => Interlocked.Increment(ref epochsEnded) },
        };
        var options = new TrainerOptions { MaxEpochs = 20, WriteFilesInBackground = true };
        Exception? failure = null;
        var fit = new Thread(() =>
        {
            try
            {
                new Trainer(options, callbacks).Fit(new ScriptedModule(new double[20]), new[] { 1, 2, 3 }, new[] { 1 });
            }
            catch (Exception caught)
            {
                failure = caught;
            }
        });
        fit.Start();

        Assert.True(stalled.Wait(TimeSpan.FromSeconds(30)), "the writer never started");
        // Wait until the training thread stops moving (unchanged for 300 ms), however loaded the machine.
        int ended = -1, before;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            before = ended;
            Thread.Sleep(300);
            ended = Volatile.Read(ref epochsEnded);
        }
        while (ended != before && clock.Elapsed < TimeSpan.FromSeconds(20));

        release.Set();
        Assert.True(fit.Join(TimeSpan.FromSeconds(30)), "the run did not end after the writer went on");

        // Epoch 1's group stalls, epochs 2 and 3 wait, epoch 4's first step waits: four epochs ended.
        Assert.Equal(4, ended);
        Assert.Null(failure);
        Assert.Equal(20, System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(log))!.AsArray().Count);
    }

    [Fact]
    public void A_write_asked_for_after_the_run_ended_fails_instead_of_being_queued_for_nothing()
    {
        Directory.CreateDirectory(_root);
        string during = Path.Combine(_root, "during.txt"), after = Path.Combine(_root, "after.txt");
        RunFiles files = RunFiles.For(background: true);
        files.Write(during, stream => stream.WriteByte(1));
        files.Drain();
        files.Dispose();

        var failure = Assert.Throws<InvalidOperationException>(() => files.Write(after, stream => stream.WriteByte(2)));

        Assert.Contains(after, failure.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(during));
        Assert.False(File.Exists(after));
        files.Drain();
    }

    private List<(string Stage, string File, int Thread)> Run(bool background, string name)
    {
        string folder = Path.Combine(_root, name);
        var events = new List<(string, string, int)>();
        AtomicFile.FaultInjection = (stage, path) =>
        {
            if (path.StartsWith(folder, StringComparison.Ordinal))
            {
                lock (events)
                {
                    events.Add((stage, Path.GetRelativePath(folder, path), Environment.CurrentManagedThreadId));
                }
            }
        };
        Fit(folder, background);
        AtomicFile.FaultInjection = null;
        return events;
    }

    private static void Fit(string folder, bool background)
    {
        var callbacks = new CallbackCollection
        {
            new CheckpointCallback(Path.Combine(folder, "checkpoints"), "val_loss", saveTopK: 2, fileNameTemplate: "epoch={epoch:D2}-val_loss={val_loss:F2}"),
            new JsonTrainingLogger(Path.Combine(folder, "training_log.json")),
            new CsvLogger(Path.Combine(folder, "training_log.csv")),
        };
        var options = new TrainerOptions { MaxEpochs = ValidationLosses.Length, WriteFilesInBackground = background, CheckpointDirectory = Path.Combine(folder, "requested") };
        var requests = new LambdaCallback { OnTrainEpochEnd = (context, epoch, _) => context.RequestCheckpoint() };
        callbacks.Add(requests);
        new Trainer(options, callbacks).Fit(new ScriptedModule(ValidationLosses), new[] { 1, 2, 3 }, new[] { 1 });
    }

    private string[] Listing(string name)
    {
        string folder = Path.Combine(_root, name);
        return Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal).ToArray();
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (Exception inner in aggregate.InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }
            }
        }
    }
}
