using System;
using System.Collections;
using System.Collections.Generic;

namespace DreamTrainer.Samples.Digits;

/// <summary>A mini-batch: a slice of image indices.</summary>
/// <param name="Indices">The indices of the images in the batch.</param>
public readonly record struct DigitsBatch(ArraySegment<int> Indices);

/// <summary>
/// Yields mini-batches over a set of images, reshuffled at every epoch when asked (PyTorch's
/// DataLoader with shuffle=True). It is a collection, so the progress bar knows the batch count.
/// </summary>
public sealed class DigitsLoader : IReadOnlyCollection<DigitsBatch>
{
    private readonly int[] _indices;
    private readonly int _batchSize;
    private readonly Random? _shuffle;

    /// <summary>Creates the loader.</summary>
    /// <param name="indices">The images it covers.</param>
    /// <param name="batchSize">Images per batch (the last batch may be smaller).</param>
    /// <param name="shuffleSeed">Reshuffle each epoch with this seed; null keeps the order.</param>
    public DigitsLoader(int[] indices, int batchSize, int? shuffleSeed = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _indices = (int[])indices.Clone();
        _batchSize = batchSize;
        _shuffle = shuffleSeed is { } seed ? new Random(seed) : null;
    }

    /// <summary>The number of batches per epoch.</summary>
    public int Count => (_indices.Length + _batchSize - 1) / _batchSize;

    /// <summary>The number of images.</summary>
    public int Images => _indices.Length;

    /// <inheritdoc/>
    public IEnumerator<DigitsBatch> GetEnumerator()
    {
        _shuffle?.Shuffle(_indices);
        for (int start = 0; start < _indices.Length; start += _batchSize)
        {
            yield return new DigitsBatch(new ArraySegment<int>(_indices, start, Math.Min(_batchSize, _indices.Length - start)));
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
