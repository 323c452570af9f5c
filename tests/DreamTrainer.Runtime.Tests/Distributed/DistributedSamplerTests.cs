using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace DreamTrainer.Tests.Distributed;

public class DistributedSamplerTests
{
    private sealed class FakeRank(int rank, int size) : IProcessGroup
    {
        public int Rank => rank;

        public int WorldSize => size;

        public void AllReduce(Span<double> values, ReduceOperation operation) => throw new InvalidOperationException("a sampler needs no collective");

        public void AllReduce(Span<float> values, ReduceOperation operation) => throw new InvalidOperationException("a sampler needs no collective");

        public void Broadcast(Span<byte> buffer, int root) => throw new InvalidOperationException("a sampler needs no collective");

        public void Barrier() => throw new InvalidOperationException("a sampler needs no collective");

        public void ReportFailure(Exception exception)
        {
        }
    }

    private static List<int[]> Epoch(DistributedSampler sampler, int epoch)
    {
        sampler.SetEpoch(epoch);
        return sampler.Select(segment => segment.ToArray()).ToList();
    }

    [Theory]
    [InlineData(100, 32, 4)]
    [InlineData(103, 32, 4)]
    [InlineData(10, 4, 3)]
    [InlineData(7, 7, 2)]
    public void The_ranks_shards_of_each_step_are_disjoint_and_together_the_single_process_batch(int count, int batchSize, int worldSize)
    {
        List<int[]> single = Epoch(new DistributedSampler(count, batchSize, shuffleSeed: 5), epoch: 3);
        List<int[]>[] ranks = Enumerable.Range(0, worldSize)
            .Select(rank => Epoch(new DistributedSampler(count, batchSize, new FakeRank(rank, worldSize), shuffleSeed: 5), epoch: 3))
            .ToArray();

        Assert.All(ranks, batches => Assert.Equal(ranks[0].Count, batches.Count));
        for (int step = 0; step < ranks[0].Count; step++)
        {
            int[] together = ranks.SelectMany(batches => batches[step]).ToArray();
            Assert.Equal(single[step], together);
            Assert.All(ranks, batches => Assert.NotEmpty(batches[step]));
            Assert.True(ranks.Max(b => b[step].Length) - ranks.Min(b => b[step].Length) <= 1, "shards differ by at most one sample");
        }
    }

    [Fact]
    public void A_last_batch_smaller_than_the_world_is_dropped_only_across_ranks()
    {
        Assert.Equal(4, new DistributedSampler(98, 32).Count);
        Assert.Equal(3, new DistributedSampler(98, 32, new FakeRank(0, 4)).Count);
        Assert.Equal(4, new DistributedSampler(100, 32, new FakeRank(0, 4)).Count);
        Assert.Equal(3, new DistributedSampler(100, 32, new FakeRank(0, 4), dropLast: true).Count);
    }

    [Fact]
    public void The_order_follows_seed_and_epoch_only()
    {
        var first = new DistributedSampler(50, 10, shuffleSeed: 9);
        var second = new DistributedSampler(50, 10, shuffleSeed: 9);

        Assert.Equal(Epoch(first, 4), Epoch(second, 4));
        Assert.Equal(Epoch(first, 4), Epoch(first, 4));
        Assert.NotEqual(Epoch(first, 4), Epoch(first, 5));
        Assert.Equal(Enumerable.Range(0, 50), Epoch(first, 5).SelectMany(b => b).Order());
        Assert.Equal(Enumerable.Range(0, 50), Epoch(new DistributedSampler(50, 10), 5).SelectMany(b => b));
    }

    [Fact]
    public void A_global_batch_smaller_than_the_world_is_refused_with_both_numbers()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new DistributedSampler(50, 3, new FakeRank(0, 4)));
        Assert.Equal("globalBatchSize", error.ParamName);
        Assert.Contains("world size (4)", error.Message, StringComparison.Ordinal);
        Assert.Contains("it was 3", error.Message, StringComparison.Ordinal);
    }
}
