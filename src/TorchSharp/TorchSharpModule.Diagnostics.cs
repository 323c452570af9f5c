using System;
using static TorchSharp.torch;

namespace DreamTrainer.TorchSharp;

/// <summary>Gradient and parameter norms, computed on the device and read once when a callback asks.</summary>
public abstract partial class TorchSharpModule<TBatch>
{
    /// <inheritdoc/>
    /// <remarks>
    /// The L2 norm of every parameter's gradient after the last backward pass, summed in float64 on
    /// the device (float32 squares overflow from norms of about 1.8e19) and read once: one device
    /// synchronization, and only when a callback asks. The gradients are not changed.
    /// </remarks>
    public bool TryGetGradientNorm(out double norm) => TryReadNorm(TensorOps.Gradient, out norm);

    /// <inheritdoc/>
    /// <remarks>Summed in float64 on the device and read once (one device synchronization).</remarks>
    public bool TryGetParameterNorm(out double norm) => TryReadNorm(static parameter => parameter.detach(), out norm);

    // The L2 norm over what `select` gives for each parameter (null: skip it), in float64 on the
    // device, read once; false when no parameter gave a tensor.
    private bool TryReadNorm(Func<Tensor, Tensor?> select, out double norm)
    {
        using (NewDisposeScope())
        using (no_grad())
        {
            Tensor? sum = null;
            foreach (var parameter in Model.parameters())
            {
                if (select(parameter) is { } value)
                {
                    Tensor squares = TensorOps.ToType(value, ScalarType.Float64, false).square().sum();
                    sum = sum is null ? squares : sum.add(squares);
                }
            }

            if (sum is null)
            {
                norm = double.NaN;
                return false;
            }

            NormReads++;
            norm = sum.sqrt().item<double>();
            return true;
        }
    }
}
