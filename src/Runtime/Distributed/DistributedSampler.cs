using System;
using System.Collections;
using System.Collections.Generic;

namespace DreamTrainer;

/// <summary>
/// Gives each rank a disjoint shard of every epoch, batch by batch: the epoch's order (shuffled
/// from the seed and the epoch, the same on every rank) is cut into global batches of
/// <c>globalBatchSize</c>, and each global batch into one contiguous slice per rank. Every rank
/// sees the same number of batches, the slices of one step together are exactly the batch a
/// single process would train on, and a data-parallel run whose gradients are summed over ranks
/// equals the single-process run with the same global batch (up to the order of float sums).
/// </summary>
/// <remarks>
/// <para>A global batch of <c>s</c> samples gives each rank <c>s / W</c> samples, the first
/// <c>s % W</c> ranks one more. A last, partial batch with fewer samples than ranks is dropped, so
/// that every rank has a sample in every step (a step's batch size is at least 1); with
/// <c>dropLast</c> every partial last batch is dropped. In one process nothing is dropped unless
/// <c>dropLast</c>.</para>
/// <para>The trainer calls <see cref="SetEpoch"/> (<see cref="IEpochAware"/>); enumerating the
/// sampler yourself, call it before each epoch as with PyTorch's <c>DistributedSampler</c>. A
/// batch is a slice of the sampler's own array: read it before the next one is drawn.</para>
/// </remarks>
public sealed class DistributedSampler : IReadOnlyCollection<ArraySegment<int>>, IEpochAware
{
    private readonly int[] _source;
    private readonly int[] _order;
    private readonly int? _shuffleSeed;
    private readonly bool _dropLast;

    /// <summary>Creates a sampler over the indices 0 to <paramref name="count"/> - 1.</summary>
    /// <param name="count">The number of samples.</param>
    /// <param name="globalBatchSize">Samples per step over all ranks (at least the world size).</param>
    /// <param name="processGroup">The ranks; null: one process.</param>
    /// <param name="shuffleSeed">Shuffle each epoch from this seed and the epoch; null keeps the order.</param>
    /// <param name="dropLast">Drop the last global batch when it is partial (it is dropped anyway when it has fewer samples than ranks).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range (the message names it and its value).</exception>
    public DistributedSampler(int count, int globalBatchSize, IProcessGroup? processGroup = null, int? shuffleSeed = null, bool dropLast = false)
        : this(Range(count), globalBatchSize, processGroup, shuffleSeed, dropLast)
    {
    }

    /// <summary>Creates a sampler over <paramref name="indices"/> (copied).</summary>
    /// <param name="indices">The sample indices, in their unshuffled order.</param>
    /// <param name="globalBatchSize">Samples per step over all ranks (at least the world size).</param>
    /// <param name="processGroup">The ranks; null: one process.</param>
    /// <param name="shuffleSeed">Shuffle each epoch from this seed and the epoch; null keeps the order.</param>
    /// <param name="dropLast">Drop the last global batch when it is partial (it is dropped anyway when it has fewer samples than ranks).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range (the message names it and its value).</exception>
    public DistributedSampler(ReadOnlySpan<int> indices, int globalBatchSize, IProcessGroup? processGroup = null, int? shuffleSeed = null, bool dropLast = false)
    {
        IProcessGroup group = processGroup ?? SingleProcessGroup.Instance;
        Rank = group.Rank;
        WorldSize = group.WorldSize;
        if (globalBatchSize < WorldSize)
        {
            throw new ArgumentOutOfRangeException(
                nameof(globalBatchSize),
                globalBatchSize,
                $"globalBatchSize must be at least 1 and at least the world size ({WorldSize}), so that every rank has a sample in every full batch; it was {globalBatchSize}.");
        }

        _source = indices.ToArray();
        _order = indices.ToArray();
        GlobalBatchSize = globalBatchSize;
        _shuffleSeed = shuffleSeed;
        _dropLast = dropLast;
    }

    /// <summary>This sampler's rank.</summary>
    public int Rank { get; }

    /// <summary>The number of ranks sharing the data.</summary>
    public int WorldSize { get; }

    /// <summary>Samples per step over all ranks.</summary>
    public int GlobalBatchSize { get; }

    /// <summary>The number of samples over all ranks.</summary>
    public int SampleCount => _source.Length;

    /// <summary>The epoch whose order the sampler yields.</summary>
    public int Epoch { get; private set; }

    /// <summary>Batches per epoch: the same on every rank.</summary>
    public int Count => (_source.Length / GlobalBatchSize) + (!_dropLast && _source.Length % GlobalBatchSize >= WorldSize ? 1 : 0);

    /// <inheritdoc/>
    public void SetEpoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        Epoch = epoch;
    }

    /// <summary>The slice of a global batch that belongs to <paramref name="rank"/>, as positions in the batch.</summary>
    /// <param name="batchSize">The global batch's size.</param>
    /// <param name="rank">The rank.</param>
    /// <param name="worldSize">The number of ranks.</param>
    /// <returns>The first position and the length.</returns>
    internal static (int Start, int Length) Shard(int batchSize, int rank, int worldSize)
    {
        int share = batchSize / worldSize;
        int extra = batchSize % worldSize;
        return ((rank * share) + Math.Min(rank, extra), share + (rank < extra ? 1 : 0));
    }

    /// <inheritdoc/>
    public IEnumerator<ArraySegment<int>> GetEnumerator()
    {
        _source.CopyTo(_order, 0);
        if (_shuffleSeed is { } seed)
        {
            new Random(EpochSeed(seed, Epoch)).Shuffle(_order);
        }

        int batches = Count;
        for (int batch = 0; batch < batches; batch++)
        {
            int start = batch * GlobalBatchSize;
            int size = Math.Min(GlobalBatchSize, _order.Length - start);
            (int offset, int length) = Shard(size, Rank, WorldSize);
            yield return new ArraySegment<int>(_order, start + offset, length);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Mixes the seed and the epoch (Fibonacci hashing), so that nearby seeds do not share orders one epoch apart.</summary>
    private static int EpochSeed(int seed, int epoch) => unchecked((int)(((uint)seed * 2654435761u) ^ (uint)epoch));

    private static int[] Range(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var indices = new int[count];
        for (int i = 0; i < count; i++)
        {
            indices[i] = i;
        }

        return indices;
    }
}
