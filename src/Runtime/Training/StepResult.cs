using System;

namespace DreamTrainer;

/// <summary>
/// What a step returns: its loss, either as a value already on the host or as a
/// <see cref="IDeferredScalar"/> still on the device (read only if a callback asks), and optionally
/// the step's other outputs (Lightning's <c>outputs</c>: logits, predictions, extra losses) for the
/// batch-end hooks that bind them.
/// </summary>
public readonly struct StepResult
{
    /// <summary>A step whose loss is already a host value.</summary>
    /// <param name="loss">The loss.</param>
    /// <param name="batchSize">The number of samples in the batch (at least 1): the weight of this step in epoch means.</param>
    /// <param name="outputs">The step's other outputs, or null (see <see cref="Outputs"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    public StepResult(double loss, int batchSize = 1, object? outputs = null)
    {
        RequireBatchSize(batchSize);
        Value = loss;
        Deferred = null;
        BatchSize = batchSize;
        Outputs = outputs;
    }

    /// <summary>A step whose loss stays on the device until read.</summary>
    /// <param name="loss">The engine's deferred scalar, pointed at this step's loss.</param>
    /// <param name="batchSize">The number of samples in the batch (at least 1): the weight of this step in epoch means.</param>
    /// <param name="outputs">The step's other outputs, or null (see <see cref="Outputs"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    public StepResult(IDeferredScalar loss, int batchSize = 1, object? outputs = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        RequireBatchSize(batchSize);
        Value = double.NaN;
        Deferred = loss;
        BatchSize = batchSize;
        Outputs = outputs;
    }

    /// <summary>The host value, when <see cref="Deferred"/> is null.</summary>
    public double Value { get; }

    /// <summary>The device scalar, or null for a host value.</summary>
    public IDeferredScalar? Deferred { get; }

    /// <summary>The number of samples in the batch; epoch means weight the step by it.</summary>
    public int BatchSize { get; }

    /// <summary>
    /// The step's outputs besides the loss, for batch-end hooks that bind <c>outputs</c> by its type;
    /// null when the step returns none. Return an object you reuse from step to step (its fields
    /// updated in place) and the step allocates nothing; keep tensors on the device: reading this
    /// reference never synchronizes anything.
    /// </summary>
    public object? Outputs { get; }

    /// <summary>A step result with a host loss and batch size 1.</summary>
    /// <param name="loss">The loss.</param>
    public static implicit operator StepResult(double loss) => new(loss);

    /// <summary>A step result with a host loss and batch size 1.</summary>
    /// <param name="loss">The loss.</param>
    /// <returns>The result.</returns>
    public static StepResult FromDouble(double loss) => new(loss);

    private static void RequireBatchSize(int batchSize)
    {
        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize must be at least 1 (the samples in the batch); it was {batchSize}.");
        }
    }
}
