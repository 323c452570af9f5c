using System;
using TorchSharp;
using static TorchSharp.torch;

namespace DreamTrainer.TorchSharp;

/// <summary>
/// A step's loss kept on the device. The tensor is detached and moved out of the step's
/// <c>DisposeScope</c>, held until the next step replaces (and disposes) it, and read — one
/// device synchronization — only when a callback asks. The epoch's sum is accumulated on the
/// device, so the epoch mean costs one read per epoch. Every temporary it creates is disposed at
/// once (none waits for the finalizer), so a count of live tensors stays flat.
/// </summary>
public sealed class DeferredLoss : IDeferredScalar, IDisposable
{
    private Tensor? _current;
    private Tensor? _sum;
    private long _count;
    private Scalar? _weight;
    private int _weightValue;

    /// <summary>How many times a value was copied to the host (each a device sync).</summary>
    public long Reads { get; private set; }

    /// <summary>Tensors this object currently keeps alive (the current loss and the running sum).</summary>
    public int LiveTensors => (_current is null ? 0 : 1) + (_sum is null ? 0 : 1);

    /// <summary>Takes the step's loss: detached, out of the step's dispose scope, replacing the previous one.</summary>
    /// <param name="loss">The loss tensor (a scalar).</param>
    public void Hold(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        Tensor kept = loss.detach().MoveToOuterDisposeScope();
        _current?.Dispose();
        _current = kept;
    }

    /// <inheritdoc/>
    public double Read()
    {
        Tensor current = _current ?? throw new InvalidOperationException("No step has produced a loss yet.");
        Reads++;
        using Tensor value = TensorOps.ToType(current, ScalarType.Float64, false);
        return value.item<double>();
    }

    /// <inheritdoc/>
    public void AddToRunningSum(int weight)
    {
        Tensor current = _current ?? throw new InvalidOperationException("No step has produced a loss yet.");
        using (no_grad())
        {
            if (_sum is null)
            {
                // A copy: to_type of a float64 loss would alias it, and the sum is changed in place.
                _sum = TensorOps.ToType(current, ScalarType.Float64, true).DetachFromDisposeScope();
                if (weight != 1)
                {
                    TensorOps.ReleaseResult(_sum, _sum.mul_(Weight(weight)));
                }
            }
            else if (weight == 1)
            {
                TensorOps.ReleaseResult(_sum, _sum.add_(current));
            }
            else
            {
                TensorOps.ReleaseResult(_sum, _sum.add_(current, Weight(weight)));
            }
        }

        _count++;
    }

    /// <summary>The batch size as a TorchSharp scalar, kept while batch sizes repeat (they do, but for the last batch).</summary>
    private Scalar Weight(int weight)
    {
        if (_weight is null || _weightValue != weight)
        {
            _weight?.Dispose();
            _weight = weight;
            _weightValue = weight;
        }

        return _weight;
    }

    /// <inheritdoc/>
    public double TakeRunningSum(out long count)
    {
        count = _count;
        double sum = 0;
        if (_sum is not null)
        {
            Reads++;
            sum = _sum.item<double>();
            _sum.Dispose();
            _sum = null;
        }

        _count = 0;
        return sum;
    }

    /// <summary>Releases the tensors still held.</summary>
    public void Dispose()
    {
        _current?.Dispose();
        _current = null;
        _sum?.Dispose();
        _sum = null;
        _weight?.Dispose();
        _weight = null;
    }
}
