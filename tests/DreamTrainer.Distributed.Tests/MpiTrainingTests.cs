using System;
using System.IO;
using System.Linq;
using DreamTrainer.Distributed.Worker;
using Xunit;

namespace DreamTrainer.Distributed.Tests;

/// <summary>
/// The digits MLP trained data-parallel by 2 and 4 MPI processes on this machine (600 training
/// images, global batch 32, 3 epochs: seconds), with the built-in side-effect callbacks writing into
/// a folder per rank, so that what each rank wrote is visible.
/// </summary>
[Collection(Jobs.Name)]
public sealed class MpiTrainingTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dt-mpi-train-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private string Folder(string name) => Path.Combine(_root, name);

    private static RankResult[] Train(int ranks, string output, string options = "")
    {
        MpirunResult job = Mpirun.Run(ranks, Mpirun.Worker, $"train --output \"{output}\" --artifacts-per-rank {options}", Limit);
        Assert.True(job.ExitCode == 0, job.ToString());
        return Jobs.Results(output, ranks);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Every_rank_ends_with_the_same_weights_equal_to_one_process_on_the_same_global_batches_and_rank_0_alone_writes(int ranks)
    {
        string output = Folder($"ranks{ranks}");
        MpirunResult job = Mpirun.Run(ranks, Mpirun.Worker, $"train --output \"{output}\" --artifacts-per-rank", Limit);
        Assert.True(job.ExitCode == 0, job.ToString());
        RankResult[] results = Jobs.Results(output, ranks);
        RankResult single = TrainingRun.Train(new WorkerOptions { Output = Folder("single") }, SingleProcessGroup.Instance);

        // Bit for bit the same on every rank: they applied the same all-reduced gradients.
        Assert.All(results, r => Assert.Equal(results[0].Weights, r.Weights));
        Assert.All(results, r => Assert.Equal(results[0].EpochMetrics, r.EpochMetrics));

        // Equal to one process up to the order of float sums.
        double difference = Jobs.MaxDifference(single.Weights, results[0].Weights);
        Assert.True(difference < 1e-5, $"weights differ from the single-process run by up to {difference}");
        for (int epoch = 0; epoch < 3; epoch++)
        {
            foreach (string metric in new[] { "loss", "acc", "val_loss", "val_acc", "lr" })
            {
                Assert.Equal(single.EpochMetrics[epoch][metric], results[0].EpochMetrics[epoch][metric], 5);
            }
        }

        // One JSON log and one set of checkpoints, by rank 0; the progress bar on rank 0's console only.
        Assert.True(File.Exists(Path.Combine(output, "rank0", "training_log.json")));
        Assert.True(File.Exists(Path.Combine(output, "rank0", "checkpoints", "last.ckpt")));
        Assert.All(Enumerable.Range(1, ranks - 1), rank => Assert.False(Directory.Exists(Path.Combine(output, $"rank{rank}")), $"rank {rank} wrote files"));
        Assert.Contains(job.OutputOf(0), line => line.StartsWith("Epoch 3/3:", StringComparison.Ordinal));
        Assert.All(Enumerable.Range(1, ranks - 1), rank => Assert.Empty(job.OutputOf(rank)));
    }

    [Fact]
    public void Early_stopping_decided_on_rank_1_stops_all_4_ranks_at_the_same_epoch()
    {
        string output = Folder("stop");
        RankResult[] results = Train(4, output, "--epochs 6 --stop-rank 1 --stop-epoch 1");

        Assert.All(results, r => Assert.Equal(("Stopped", 2, "rank 1 decided to stop at the end of epoch 1"), (r.Reason, r.EpochsCompleted, r.StopReason)));
        Assert.All(results, r => Assert.Equal(results[0].GlobalStep, r.GlobalStep));
        Assert.All(results, r => Assert.Equal(results[0].Weights, r.Weights));
        Assert.Equal(2, System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(output, "rank0", "training_log.json")))!.AsArray().Count);
    }

    [Fact]
    public void A_stop_requested_mid_epoch_on_rank_1_stops_both_ranks_after_the_same_step()
    {
        RankResult[] results = Train(2, Folder("step-stop"), "--epochs 3 --stop-rank 1 --stop-step 4");

        Assert.All(results, r => Assert.Equal(("Stopped", 5L, 1), (r.Reason, r.GlobalStep, r.EpochsCompleted)));
    }

    [Fact]
    public void An_exception_on_rank_1_ends_all_4_ranks_within_a_bounded_time_with_rank_1_named_on_each()
    {
        string output = Folder("failure");
        MpirunResult job = Mpirun.Run(4, Mpirun.Worker, $"train --output \"{output}\" --artifacts-per-rank --epochs 3 --fail-rank 1 --fail-step 7 --shutdown 20", Limit);

        Assert.True(job.ExitCode != 0, job.ToString());
        Assert.True(job.Elapsed < TimeSpan.FromSeconds(90), job.ToString());
        Assert.Equal(
            "rank 1: InvalidOperationException: injected failure in the training step at global step 7",
            File.ReadAllText(Path.Combine(output, "rank1.error.txt")));
        foreach (int rank in new[] { 0, 2, 3 })
        {
            Assert.Equal(
                $"rank {rank}: RankFailedException: Rank 1 of 4 failed: InvalidOperationException: injected failure in the training step at global step 7 (seen on rank {rank}).",
                File.ReadAllText(Path.Combine(output, $"rank{rank}.error.txt")));
        }

        Assert.Empty(Directory.GetFiles(output, "*.result.json"));
        Assert.Contains("DreamTrainer: rank", job.Error, StringComparison.Ordinal);
        Assert.Contains("MPI_ABORT", job.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rank_that_hangs_makes_the_others_time_out_and_the_job_ends()
    {
        string output = Folder("hang");
        MpirunResult job = Mpirun.Run(4, Mpirun.Worker, $"train --output \"{output}\" --artifacts-per-rank --epochs 3 --hang-rank 2 --hang-step 4 --timeout 10 --shutdown 10", Limit);

        Assert.True(job.ExitCode != 0, job.ToString());
        Assert.True(job.Elapsed < TimeSpan.FromSeconds(90), job.ToString());
        Assert.False(File.Exists(Path.Combine(output, "rank2.error.txt")), "the hung rank never got to write");
        foreach (int rank in new[] { 0, 1, 3 })
        {
            string error = File.ReadAllText(Path.Combine(output, $"rank{rank}.error.txt"));
            Assert.Contains("did not complete within 10 s", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_4_rank_run_resumed_from_its_checkpoint_equals_the_uninterrupted_run()
    {
        RankResult[] whole = Train(4, Folder("whole"), "--epochs 4 --no-checkpoints");
        Train(4, Folder("first-half"), "--epochs 2 --schedule-epochs 4");
        string checkpoint = Path.Combine(Folder("first-half"), "rank0", "checkpoints", "last.ckpt");
        RankResult[] resumed = Train(4, Folder("resumed"), $"--epochs 4 --resume \"{checkpoint}\" --no-checkpoints");

        Assert.All(resumed, r => Assert.Equal(whole[0].Weights, r.Weights));
        Assert.All(resumed, r => Assert.Equal((4, whole[0].GlobalStep), (r.EpochsCompleted, r.GlobalStep)));
        Assert.Equal(whole[0].EpochMetrics.Skip(2), resumed[0].EpochMetrics);
    }
}
