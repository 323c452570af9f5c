using System;
using System.Collections;
using System.Collections.Generic;

namespace DreamTrainer.Samples.Digits;

/// <summary>A mini-batch: a slice of image indices.</summary>
/// <param name="Indices">The indices of the images in the batch.</param>
public readonly record struct DigitsBatch(ArraySegment<int> Indices);

/// <summary>
/// Yields mini-batches over a set of images, reshuffled at every epoch when asked (PyTorch's
/// DataLoader with shuffle=True over a <see cref="DistributedSampler"/>): the order of an epoch
/// follows from the seed and the epoch, and with a process group of several ranks each rank gets
/// its slice of every global batch. It is a collection, so the progress bar knows the batch count.
/// </summary>
public sealed class DigitsLoader : IReadOnlyCollection<DigitsBatch>, IEpochAware
{
    private readonly DistributedSampler _sampler;

    /// <summary>Creates the loader.</summary>
    /// <param name="indices">The images it covers.</param>
    /// <param name="batchSize">Images per batch over all ranks (the last batch may be smaller).</param>
    /// <param name="shuffleSeed">Reshuffle each epoch with this seed; null keeps the order.</param>
    /// <param name="processGroup">The ranks sharing each batch; null: one process.</param>
    public DigitsLoader(int[] indices, int batchSize, int? shuffleSeed = null, IProcessGroup? processGroup = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _sampler = new DistributedSampler(indices, batchSize, processGroup, shuffleSeed);
    }

    /// <summary>The number of batches per epoch (the same on every rank).</summary>
    public int Count => _sampler.Count;

    /// <summary>The number of images over all ranks.</summary>
    public int Images => _sampler.SampleCount;

    /// <inheritdoc/>
    public void SetEpoch(int epoch) => _sampler.SetEpoch(epoch);

    /// <inheritdoc/>
    public IEnumerator<DigitsBatch> GetEnumerator()
    {
        foreach (ArraySegment<int> shard in _sampler)
        {
            yield return new DigitsBatch(shard);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
