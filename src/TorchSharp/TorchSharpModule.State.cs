using System;
using System.Collections.Generic;
using System.IO;
using static TorchSharp.torch;

namespace DreamTrainer.TorchSharp;

/// <summary>State for checkpoints (model and optimizer) and restore-best-weights snapshots.</summary>
public abstract partial class TorchSharpModule<TBatch>
{
    /// <inheritdoc/>
    /// <remarks>
    /// Writes the model's state dict and the optimizer's state (momentum buffers, Adam's moments,
    /// step counts) in the format of <see cref="TorchState"/>, leaving <paramref name="destination"/> open.
    /// </remarks>
    public void Save(Stream destination)
    {
        using (NewDisposeScope())
        {
            TorchState.Write(destination, Model.state_dict(), TorchOptimizer);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// All or nothing: the weights are read into host copies and checked (names, types, shapes)
    /// before any changes, the optimizer's state is put back if its part fails, and the model's
    /// parameters are written in place, so the optimizer keeps the parameters it steps (a
    /// <c>Module.load</c> on a GPU would give the model new ones).
    /// </remarks>
    public void Load(Stream source)
    {
        using (NewDisposeScope())
        {
            TorchState.Read(source, Model.state_dict(), TorchOptimizer, Device);
        }
    }

    /// <inheritdoc/>
    /// <remarks>The snapshot's weights in the format of <see cref="Save"/>, without optimizer state; the model is not touched.</remarks>
    public void SaveSnapshot(object snapshot, Stream destination)
    {
        var weights = snapshot as WeightsSnapshot ?? throw new ArgumentException("The snapshot was not made by this module.", nameof(snapshot));
        TorchState.Write(destination, weights.Tensors, optimizer: null);
    }

    /// <inheritdoc/>
    /// <remarks>Reads the weights into new tensors on the module's device, checked against the model's names, types and shapes; the model is not touched.</remarks>
    public object LoadSnapshot(Stream source)
    {
        using (NewDisposeScope())
        {
            Dictionary<string, Tensor> host = TorchState.ReadWeights(source, Model.state_dict());
            var copy = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, Tensor> entry in host)
            {
                copy[entry.Key] = TensorOps.To(entry.Value, Device).DetachFromDisposeScope();
                if (!ReferenceEquals(copy[entry.Key], entry.Value))
                {
                    entry.Value.Dispose();
                }
            }

            return new WeightsSnapshot(copy);
        }
    }

    /// <inheritdoc/>
    public object CreateSnapshot()
    {
        var copy = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using (NewDisposeScope())
        using (no_grad())
        {
            foreach (KeyValuePair<string, Tensor> entry in Model.state_dict())
            {
                copy[entry.Key] = entry.Value.detach().clone().DetachFromDisposeScope();
            }
        }

        return new WeightsSnapshot(copy);
    }

    /// <inheritdoc/>
    public void Restore(object snapshot)
    {
        var weights = snapshot as WeightsSnapshot ?? throw new ArgumentException("The snapshot was not made by this module.", nameof(snapshot));
        using (NewDisposeScope())
        using (no_grad())
        {
            foreach (KeyValuePair<string, Tensor> entry in Model.state_dict())
            {
                TensorOps.ReleaseResult(entry.Value, entry.Value.copy_(weights.Tensors[entry.Key]));
            }
        }
    }
}
