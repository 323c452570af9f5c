using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace DreamTrainer.TorchSharp;

/// <summary>A detached copy of a model's state dict, for restore-best-weights. Dispose it to free the copies.</summary>
public sealed class WeightsSnapshot : IDisposable
{
    internal WeightsSnapshot(Dictionary<string, Tensor> tensors) => Tensors = tensors;

    /// <summary>The copied tensors by state-dict name.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    /// <summary>Frees the copies.</summary>
    public void Dispose()
    {
        foreach (Tensor tensor in Tensors.Values)
        {
            tensor.Dispose();
        }
    }
}
