using System;

namespace DreamTrainer.Samples.Digits;

/// <summary>
/// What a <see cref="DigitsMlp"/> step returns besides the loss (Lightning's <c>outputs</c>): the
/// predicted digit of each image. One object per phase, refilled every step, so steps allocate nothing.
/// </summary>
public sealed class DigitsOutputs
{
    private int[] _predictions = Array.Empty<int>();

    /// <summary>The number of images in the step.</summary>
    public int Count { get; private set; }

    /// <summary>How many predictions were right.</summary>
    public int Correct { get; internal set; }

    /// <summary>The predicted digit of each image of the batch, in batch order.</summary>
    public ReadOnlySpan<int> Predictions => _predictions.AsSpan(0, Count);

    /// <summary>Where the module writes the predictions.</summary>
    internal Span<int> Writable => _predictions.AsSpan(0, Count);

    /// <summary>Makes room for a batch of <paramref name="count"/> images (a larger array only when a larger batch comes).</summary>
    internal void Reset(int count)
    {
        if (_predictions.Length < count)
        {
            _predictions = new int[count];
        }

        Count = count;
        Correct = 0;
    }
}
