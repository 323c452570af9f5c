using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Xunit;

namespace DreamTrainer.Tests.Distributed;

/// <summary>The trainer across ranks (threads of this process standing in for MPI processes): metrics, stops, cancellation, uneven data.</summary>
public class DistributedTrainerTests
{
    private static (TrainResult? Result, Exception? Error)[] Train(
        int ranks,
        Func<IProcessGroup, ICallbackDispatcher> callbacks,
        TrainerOptions? options = null,
        int samples = 10,
        int batchSize = 4,
        Func<IProcessGroup, RankModule>? module = null) =>
        ThreadRanks.Run(ranks, group =>
            new Trainer(options ?? new TrainerOptions { MaxEpochs = 1 }, callbacks(group))
                .Fit(module?.Invoke(group) ?? new RankModule(group), RankModule.Shards(samples, batchSize, group), RankModule.Shards(samples, batchSize, group)));

    private static TrainResult Ok((TrainResult? Result, Exception? Error) outcome) =>
        outcome.Error is null ? outcome.Result! : throw new Xunit.Sdk.XunitException($"the rank failed: {outcome.Error}");

    [Fact]
    public void Epoch_metrics_are_reduced_before_the_epoch_end_hooks_the_same_on_every_rank_means_weighted_by_samples()
    {
        var seen = new Dictionary<string, double>[2];
        var validation = new Dictionary<string, double>[2];

        var outcomes = Train(2, group => new CallbackCollection
        {
            new LambdaCallback
            {
                OnValidationEpochEnd = (_, _, metrics) => validation[group.Rank] = metrics.ToDictionary(),
                OnTrainEpochEnd = (_, _, metrics) => seen[group.Rank] = metrics.ToDictionary(),
            },
        });

        Array.ForEach(outcomes, o => Ok(o));

        // Samples 0..9 in global batches of 4: rank 0 gets {0,1} {4,5} {8}, rank 1 {2,3} {6,7} {9}.
        // Their own losses are 3.6 and 5.4; the sample-weighted mean is that of 0..9.
        Assert.Equal(seen[0], seen[1]);
        Assert.Equal(4.5, seen[0]["loss"], 12);
        Assert.Equal(0.45, seen[0]["acc"], 12);
        Assert.Equal(4.5, seen[0]["val_loss"], 12);
        Assert.Equal(6, seen[0]["steps"]);
        Assert.Equal(0, seen[0]["lowest_rank"]);
        Assert.Equal(1, seen[0]["highest_rank"]);
        Assert.Equal(0.5, seen[0]["rank"]);
        Assert.Equal(0.1 * 7, seen[0]["constant"]);

        // The validation hooks see the reduced validation metrics already.
        Assert.Equal(validation[0]["val_loss"], validation[1]["val_loss"]);
        Assert.Equal(4.5, validation[1]["val_loss"], 12);
    }

    [Fact]
    public void The_reduced_metrics_equal_those_of_one_process_on_the_same_global_batches()
    {
        var single = new Dictionary<string, double>[1];
        var four = new Dictionary<string, double>[4];

        Array.ForEach(Train(1, group => new CallbackCollection { new LambdaCallback { OnTrainEpochEnd = (_, _, m) => single[0] = m.ToDictionary() } }, samples: 30, batchSize: 8), o => Ok(o));
        Array.ForEach(Train(4, group => new CallbackCollection { new LambdaCallback { OnTrainEpochEnd = (_, _, m) => four[group.Rank] = m.ToDictionary() } }, samples: 30, batchSize: 8), o => Ok(o));

        foreach (string name in new[] { "loss", "acc", "val_loss" })
        {
            Assert.Equal(single[0][name], four[0][name], 12);
        }
    }

    [Fact]
    public void A_metric_logged_on_one_rank_only_reaches_every_rank()
    {
        var seen = new Dictionary<string, double>[3];

        var outcomes = Train(3, group => new CallbackCollection
        {
            new LambdaCallback
            {
                OnTrainBatchStart = (context, _, _) =>
                {
                    if (context.Rank == 1)
                    {
                        context.Log("only_on_rank_1", 42);
                    }
                },
                OnTrainEpochEnd = (_, _, metrics) => seen[group.Rank] = metrics.ToDictionary(),
            },
        }, samples: 12, batchSize: 6);

        Array.ForEach(outcomes, o => Ok(o));
        Assert.All(seen, metrics => Assert.Equal(42, metrics["only_on_rank_1"]));
        Assert.Equal(seen[0], seen[2]);
    }

    [Fact]
    public void A_metric_logged_with_different_reductions_on_two_ranks_is_an_error_that_names_both()
    {
        var outcomes = Train(2, group => new CallbackCollection
        {
            new LambdaCallback
            {
                OnTrainBatchStart = (context, _, _) => context.Log("odd", 1, context.Rank == 0 ? MetricReduction.Mean : MetricReduction.Max),
            },
        });

        Assert.All(outcomes, o => Assert.Contains("Metric 'odd' is logged with MetricReduction.Mean on rank 0 and MetricReduction.Max on rank 1", o.Error!.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_stop_requested_on_one_rank_mid_epoch_stops_every_rank_after_the_same_step_with_its_reason()
    {
        var outcomes = Train(3, group => new CallbackCollection
        {
            new LambdaCallback
            {
                OnTrainBatchEnd = (TrainerContext context, in StepOutput _, int _, long step) =>
                {
                    if (context.Rank == 2 && step == 3)
                    {
                        context.RequestStop("rank 2 had enough");
                    }
                },
            },
        }, new TrainerOptions { MaxEpochs = 5 }, samples: 30, batchSize: 3);

        TrainResult[] results = outcomes.Select(Ok).ToArray();
        Assert.All(results, r => Assert.Equal(TrainEndReason.Stopped, r.Reason));
        Assert.All(results, r => Assert.Equal(4, r.GlobalStep));
        Assert.All(results, r => Assert.Equal("rank 2 had enough", r.StopReason));
        Assert.All(results, r => Assert.Equal(1, r.EpochsCompleted));
    }

    [Fact]
    public void A_stop_decided_at_an_epoch_end_on_one_rank_stops_every_rank_at_that_epoch()
    {
        var outcomes = Train(2, group => new CallbackCollection
        {
            new LambdaCallback
            {
                OnTrainEpochEnd = (context, epoch, _) =>
                {
                    if (context.Rank == 1 && epoch == 2)
                    {
                        context.RequestStop("rank 1: no improvement");
                    }
                },
            },
        }, new TrainerOptions { MaxEpochs = 10 });

        Assert.All(outcomes.Select(Ok), r => Assert.Equal((TrainEndReason.Stopped, 3, "rank 1: no improvement"), (r.Reason, r.EpochsCompleted, r.StopReason)));
    }

    [Fact]
    public void An_immediate_stop_on_one_rank_ends_every_rank_without_validation_or_epoch_end()
    {
        var epochEnds = new int[2];

        var outcomes = Train(2, group => new CallbackCollection
        {
            new LambdaCallback
            {
                OnTrainBatchEnd = (TrainerContext context, in StepOutput _, int _, long step) =>
                {
                    if (context.Rank == 1 && step == 1)
                    {
                        context.RequestStop("NaN on rank 1", immediately: true);
                    }
                },
                OnTrainEpochEnd = (_, _, _) => epochEnds[group.Rank]++,
                OnValidationEpochEnd = (_, _, _) => epochEnds[group.Rank]++,
            },
        }, new TrainerOptions { MaxEpochs = 3 }, samples: 20, batchSize: 4);

        Assert.All(outcomes.Select(Ok), r => Assert.Equal((TrainEndReason.Stopped, 2L, 0), (r.Reason, r.GlobalStep, r.EpochsCompleted)));
        Assert.Equal(new[] { 0, 0 }, epochEnds);
    }

    [Fact]
    public void Cancelling_the_token_of_one_rank_ends_every_rank_cancelled_at_the_same_step()
    {
        using var cancel = new CancellationTokenSource();
        var outcomes = ThreadRanks.Run(2, group =>
        {
            var callbacks = new CallbackCollection
            {
                new LambdaCallback
                {
                    OnTrainBatchEnd = (TrainerContext context, in StepOutput _, int _, long step) =>
                    {
                        if (context.Rank == 0 && step == 2)
                        {
                            cancel.Cancel();
                        }
                    },
                },
            };
            var trainer = new Trainer(new TrainerOptions { MaxEpochs = 2 }, callbacks);
            CancellationToken token = group.Rank == 0 ? cancel.Token : CancellationToken.None;
            try
            {
                trainer.Fit(new RankModule(group), RankModule.Shards(20, 2, group), null, token);
                return "completed";
            }
            catch (OperationCanceledException)
            {
                return $"cancelled after step {trainer.Context!.GlobalStep}";
            }
        });

        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.All(outcomes, o => Assert.Equal("cancelled after step 3", o.Result));
    }

    [Fact]
    public void Ranks_with_different_numbers_of_batches_fail_naming_the_ranks_instead_of_mixing_collectives()
    {
        var outcomes = ThreadRanks.Run(2, group =>
        {
            List<int[]> data = RankModule.Shards(12, 4, group);
            if (group.Rank == 1)
            {
                data.RemoveAt(data.Count - 1);
            }

            return new Trainer(new TrainerOptions { MaxEpochs = 1 }).Fit(new RankModule(group), data);
        });

        Assert.All(outcomes, o => Assert.Contains(
            "Rank 1 ran out of training batches after 2 batch(es) of epoch 1 while rank 0 has another",
            Assert.IsType<InvalidOperationException>(o.Error).Message,
            StringComparison.Ordinal));
    }

    [Fact]
    public void Rank_0s_weights_reach_every_rank_before_training_starts()
    {
        var atStart = new double[3];

        var outcomes = Train(3, group => new CallbackCollection
        {
            new LambdaCallback { OnTrainStart = context => atStart[group.Rank] = ((RankModule)context.Model!).Weight },
        }, module: group => new RankModule(group, weight: 100 + group.Rank));

        Array.ForEach(outcomes, o => Ok(o));
        Assert.Equal(new[] { 100.0, 100.0, 100.0 }, atStart);
    }

    [Fact]
    public void In_one_process_the_trainer_runs_no_collective()
    {
        var group = new CountingSingleGroup();
        TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = 2, ValidateEveryNSteps = 2 })
            .Fit(new RankModule(group), RankModule.Shards(10, 2, group), RankModule.Shards(4, 2, group));

        Assert.Equal(10, result.GlobalStep);
        Assert.Equal(10, group.AllReduces);
        Assert.Equal(0, group.Others);
    }

    /// <summary>One process, counting the collectives: the module's own all-reduce per step, nothing else.</summary>
    private sealed class CountingSingleGroup : IProcessGroup
    {
        public int Rank => 0;

        public int WorldSize => 1;

        public int AllReduces { get; private set; }

        public int Others { get; private set; }

        public void AllReduce(Span<double> values, ReduceOperation operation) => AllReduces++;

        public void AllReduce(Span<float> values, ReduceOperation operation) => Others++;

        public void Broadcast(Span<byte> buffer, int root) => Others++;

        public void Barrier() => Others++;

        public void ReportFailure(Exception exception) => Others++;
    }
}
