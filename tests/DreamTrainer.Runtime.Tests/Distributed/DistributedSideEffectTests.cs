using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Xunit;

namespace DreamTrainer.Tests.Distributed;

/// <summary>Across ranks: files and console on rank 0 only, checkpoints written once while the others wait, failures that end every rank, resume on every rank.</summary>
public sealed class DistributedSideEffectTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dt-ranks-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private string RankFolder(int rank) => Path.Combine(_root, $"rank{rank}");

    private static TrainResult Ok((TrainResult? Result, Exception? Error) outcome) =>
        outcome.Error is null ? outcome.Result! : throw new Xunit.Sdk.XunitException($"the rank failed: {outcome.Error}");

    [Fact]
    public void Console_logs_checkpoints_and_TensorBoard_act_on_rank_0_only()
    {
        var consoles = new StringWriter[] { new(), new() };

        var outcomes = ThreadRanks.Run(2, group =>
        {
            string folder = RankFolder(group.Rank);
            var callbacks = new CallbackCollection
            {
                new ProgressBar(output: consoles[group.Rank], interactive: false, redirectedIntervalSeconds: 0),
                new LoggerCallback(logEveryNSteps: 1),
                new JsonTrainingLogger(Path.Combine(folder, "log.json")),
                new CsvLogger(Path.Combine(folder, "log.csv")),
                new TensorBoardLogger(Path.Combine(folder, "runs"), logEveryNSteps: 1),
                new CheckpointCallback(Path.Combine(folder, "checkpoints")),

                // A callback on every rank asking for a checkpoint file: written once.
                new LambdaCallback { OnTrainEpochEnd = (context, epoch, _) => context.SaveCheckpoint(Path.Combine(folder, $"manual-{epoch}.ckpt")) },
            };
            return new Trainer(new TrainerOptions { MaxEpochs = 2, RunName = "ranks" }, callbacks)
                .Fit(new RankModule(group), RankModule.Shards(12, 4, group), RankModule.Shards(8, 4, group));
        });

        Array.ForEach(outcomes, o => Ok(o));
        Assert.Contains("Epoch 2/2", consoles[0].ToString(), StringComparison.Ordinal);
        Assert.Empty(consoles[1].ToString());
        string[] written = Directory.GetFiles(RankFolder(0), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(RankFolder(0), f)).ToArray();
        Assert.Contains("log.json", written);
        Assert.Contains("log.csv", written);
        Assert.Contains(Path.Combine("checkpoints", "last.ckpt"), written);
        Assert.Contains("manual-1.ckpt", written);
        Assert.Contains(written, f => f.StartsWith("runs" + Path.DirectorySeparatorChar + "events.out.tfevents.", StringComparison.Ordinal));
        Assert.False(Directory.Exists(RankFolder(1)), "rank 1 wrote " + string.Join(", ", Directory.Exists(RankFolder(1)) ? Directory.GetFiles(RankFolder(1), "*", SearchOption.AllDirectories) : Array.Empty<string>()));
    }

    [Fact]
    public void Every_rank_waits_for_rank_0s_checkpoint_before_it_goes_on()
    {
        var sawTheFile = new bool[3];
        string path = Path.Combine(_root, "slow.ckpt");

        var outcomes = ThreadRanks.Run(3, group =>
        {
            var callbacks = new CallbackCollection
            {
                new LambdaCallback
                {
                    OnTrainEpochEnd = (context, epoch, _) =>
                    {
                        if (epoch == 0 && context.IsGlobalZero)
                        {
                            Thread.Sleep(300);
                            context.SaveCheckpoint(path);
                        }
                    },
                    OnTrainEpochStart = (context, epoch) =>
                    {
                        if (epoch == 1)
                        {
                            sawTheFile[context.Rank] = File.Exists(path);
                        }
                    },
                },
            };
            return new Trainer(new TrainerOptions { MaxEpochs = 2 }, callbacks).Fit(new RankModule(group), RankModule.Shards(9, 3, group));
        });

        Array.ForEach(outcomes, o => Ok(o));
        Assert.Equal(new[] { true, true, true }, sawTheFile);
    }

    [Fact]
    public void A_checkpoint_requested_on_one_rank_is_written_once_by_rank_0_at_that_step()
    {
        var outcomes = ThreadRanks.Run(2, group =>
        {
            var callbacks = new CallbackCollection
            {
                new LambdaCallback
                {
                    OnTrainBatchEnd = (TrainerContext context, in StepOutput _, int _, long step) =>
                    {
                        if (context.Rank == 1 && step == 1)
                        {
                            context.RequestCheckpoint();
                        }
                    },
                },
            };
            var options = new TrainerOptions { MaxEpochs = 1, CheckpointDirectory = RankFolder(group.Rank) };
            return new Trainer(options, callbacks).Fit(new RankModule(group), RankModule.Shards(12, 4, group));
        });

        Array.ForEach(outcomes, o => Ok(o));
        Assert.Equal(new[] { "requested-epoch1-step2.ckpt" }, Directory.GetFiles(RankFolder(0)).Select(Path.GetFileName));
        Assert.False(Directory.Exists(RankFolder(1)));
    }

    [Fact]
    public void An_exception_on_rank_1_ends_every_rank_with_rank_1_named_after_every_rank_ran_its_failure_hooks()
    {
        var hooks = new List<string>[] { new(), new(), new() };

        var outcomes = ThreadRanks.Run(3, group =>
        {
            var callbacks = new CallbackCollection
            {
                new LambdaCallback
                {
                    OnException = (_, error) => hooks[group.Rank].Add("exception: " + error.GetType().Name),
                    OnTrainEnd = (_, reason) => hooks[group.Rank].Add("end: " + reason),
                },
            };
            var module = new RankModule(group) { FailAtStep = group.Rank == 1 ? 2 : -1 };
            return new Trainer(new TrainerOptions { MaxEpochs = 3 }, callbacks).Fit(module, RankModule.Shards(18, 3, group));
        });

        Assert.Equal("injected failure on rank 1 at step 2", Assert.IsType<InvalidOperationException>(outcomes[1].Error).Message);
        foreach (int rank in new[] { 0, 2 })
        {
            var peer = Assert.IsType<RankFailedException>(outcomes[rank].Error);
            Assert.Equal(1, peer.FailedRank);
            Assert.Equal(rank, peer.Rank);
            Assert.Contains("Rank 1 of 3 failed: InvalidOperationException: injected failure on rank 1 at step 2", peer.Message, StringComparison.Ordinal);
            Assert.Equal(new[] { "exception: RankFailedException", "end: Failed" }, hooks[rank]);
        }

        Assert.Equal(new[] { "exception: InvalidOperationException", "end: Failed" }, hooks[1]);
    }

    [Fact]
    public void A_failure_on_rank_0_after_its_last_epoch_still_fails_the_other_ranks()
    {
        var outcomes = ThreadRanks.Run(2, group =>
        {
            var callbacks = new CallbackCollection
            {
                new LambdaCallback
                {
                    OnTrainEnd = (context, _) =>
                    {
                        if (context.IsGlobalZero)
                        {
                            throw new IOException("disk full while writing the summary");
                        }
                    },
                },
            };
            return new Trainer(new TrainerOptions { MaxEpochs = 1 }, callbacks).Fit(new RankModule(group), RankModule.Shards(8, 4, group));
        });

        Assert.Contains("disk full", outcomes[0].Error!.Message, StringComparison.Ordinal);
        Assert.Equal(0, Assert.IsType<RankFailedException>(outcomes[1].Error).FailedRank);
    }

    [Fact]
    public void Resume_loads_the_checkpoint_on_every_rank_and_equals_the_uninterrupted_run()
    {
        string checkpoints = Path.Combine(_root, "checkpoints");
        TrainResult[] Run(int epochs, string? resume, out double[] weights)
        {
            var final = new double[2];
            var outcomes = ThreadRanks.Run(2, group =>
            {
                var module = new RankModule(group);
                var callbacks = new CallbackCollection { new CheckpointCallback(checkpoints, monitor: null, saveTopK: 0) };
                var trainer = new Trainer(new TrainerOptions { MaxEpochs = epochs }, callbacks);
                TrainResult result = resume is null
                    ? trainer.Fit(module, RankModule.Shards(10, 4, group))
                    : trainer.Resume(resume, module, RankModule.Shards(10, 4, group));
                final[group.Rank] = module.Weight;
                return result;
            });
            weights = final;
            return outcomes.Select(Ok).ToArray();
        }

        TrainResult[] whole = Run(4, null, out double[] uninterrupted);
        Directory.Delete(checkpoints, recursive: true);
        Run(2, null, out _);
        TrainResult[] resumed = Run(4, Path.Combine(checkpoints, "last.ckpt"), out double[] afterResume);

        Assert.Equal(uninterrupted, afterResume);
        Assert.Equal(uninterrupted[0], uninterrupted[1]);
        Assert.All(resumed, r => Assert.Equal((4, 12L), (r.EpochsCompleted, r.GlobalStep)));
        Assert.Equal(whole[1].History.Skip(2).Select(h => h["loss"]), resumed[1].History.Select(h => h["loss"]));
    }

    [Fact]
    public void A_resume_from_a_checkpoint_written_inside_an_epoch_skips_the_same_batches_on_every_rank()
    {
        TrainResult[] Run(string folder, long maxSteps, string? resume, out double[] weights)
        {
            var final = new double[2];
            var outcomes = ThreadRanks.Run(2, group =>
            {
                var module = new RankModule(group);
                var callbacks = new CallbackCollection { new CheckpointCallback(folder, monitor: null, saveTopK: -1, everyNTrainSteps: 4) };
                var trainer = new Trainer(new TrainerOptions { MaxEpochs = 4, MaxSteps = maxSteps }, callbacks);
                TrainResult result = resume is null
                    ? trainer.Fit(module, RankModule.Shards(10, 4, group))
                    : trainer.Resume(resume, module, RankModule.Shards(10, 4, group));
                final[group.Rank] = module.Weight;
                return result;
            });
            weights = final;
            return outcomes.Select(Ok).ToArray();
        }

        // Three batches an epoch: the checkpoint at step 4 is written after the first batch of epoch 2.
        TrainResult[] whole = Run(Path.Combine(_root, "whole"), -1, null, out double[] uninterrupted);
        string interrupted = Path.Combine(_root, "interrupted");
        Run(interrupted, 4, null, out _);
        TrainResult[] resumed = Run(interrupted, -1, Path.Combine(interrupted, "epoch=2-step=4.ckpt"), out double[] afterResume);

        // The weight sums every global batch trained: a rank that skipped other batches would differ.
        Assert.Equal(uninterrupted, afterResume);
        Assert.Equal(afterResume[0], afterResume[1]);
        for (int rank = 0; rank < 2; rank++)
        {
            Assert.Equal((4, 12L), (resumed[rank].EpochsCompleted, resumed[rank].GlobalStep));
            Assert.Equal(3, resumed[rank].History.Count);
            Assert.Equal(whole[rank].History[1]["steps"], resumed[rank].History[0]["steps"]);
            foreach (string metric in new[] { "loss", "acc", "steps", "lowest_rank", "highest_rank" })
            {
                Assert.Equal(whole[rank].History.Skip(2).Select(h => h[metric]), resumed[rank].History.Skip(1).Select(h => h[metric]));
            }
        }
    }

    [Fact]
    public void A_resume_after_a_validation_pass_inside_an_epoch_does_not_reduce_its_results_again()
    {
        TrainResult[] Run(string? resume)
        {
            var outcomes = ThreadRanks.Run(2, group =>
            {
                var module = new RankModule(group) { CountValidationBatches = true };
                string saved = Path.Combine(_root, "after-validation.ckpt");
                var callbacks = new CallbackCollection
                {
                    new LambdaCallback { OnValidationEnd = context => { if (context.Epoch == 0) context.SaveCheckpoint(saved); } },
                };

                // Three batches an epoch, validated after the third, before the epoch end: the checkpoint holds the reduced results.
                var trainer = new Trainer(new TrainerOptions { MaxEpochs = 2, ValidateEveryNSteps = 3 }, callbacks);
                return resume is null
                    ? trainer.Fit(module, RankModule.Shards(10, 4, group), RankModule.Shards(6, 4, group))
                    : trainer.Resume(resume, module, RankModule.Shards(10, 4, group), RankModule.Shards(6, 4, group));
            });
            return outcomes.Select(Ok).ToArray();
        }

        TrainResult[] whole = Run(null);
        TrainResult[] resumed = Run(Path.Combine(_root, "after-validation.ckpt"));

        for (int rank = 0; rank < 2; rank++)
        {
            Assert.Equal(4.0, whole[rank].History[0]["val_batches"]);
            Assert.Equal(whole[rank].History.Select(h => (h["val_batches"], h["val_loss"])), resumed[rank].History.Select(h => (h["val_batches"], h["val_loss"])));
        }
    }
}
