using System;

namespace DreamTrainer;

/// <summary>
/// What a step returns: its loss, either as a value already on the host or as a
/// <see cref="IDeferredScalar"/> still on the device (read only if a callback asks).
/// </summary>
public readonly struct StepResult
{
    /// <summary>A step whose loss is already a host value.</summary>
    /// <param name="loss">The loss.</param>
    /// <param name="batchSize">The number of samples in the batch.</param>
    public StepResult(double loss, int batchSize = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchSize);
        Value = loss;
        Deferred = null;
        BatchSize = batchSize;
    }

    /// <summary>A step whose loss stays on the device until read.</summary>
    /// <param name="loss">The engine's deferred scalar, pointed at this step's loss.</param>
    /// <param name="batchSize">The number of samples in the batch.</param>
    public StepResult(IDeferredScalar loss, int batchSize = 1)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentOutOfRangeException.ThrowIfNegative(batchSize);
        Value = double.NaN;
        Deferred = loss;
        BatchSize = batchSize;
    }

    /// <summary>The host value, when <see cref="Deferred"/> is null.</summary>
    public double Value { get; }

    /// <summary>The device scalar, or null for a host value.</summary>
    public IDeferredScalar? Deferred { get; }

    /// <summary>The number of samples in the batch.</summary>
    public int BatchSize { get; }

    /// <summary>A step result with a host loss and batch size 1.</summary>
    /// <param name="loss">The loss.</param>
    public static implicit operator StepResult(double loss) => new(loss);

    /// <summary>A step result with a host loss and batch size 1.</summary>
    /// <param name="loss">The loss.</param>
    /// <returns>The result.</returns>
    public static StepResult FromDouble(double loss) => new(loss);
}
