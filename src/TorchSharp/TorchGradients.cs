using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DreamTrainer.TorchSharp;

/// <summary>
/// The gradients of a TorchSharp model for the optimizer-step hooks: norms and clipping as
/// <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c> compute them (each parameter's
/// norm, then the norm of those norms; a clip coefficient <c>maxNorm / (total + 1e-6)</c> clamped at
/// 1 and applied on the device without a branch). Norms are taken in float64, so float32 gradients
/// whose squares overflow still have a finite norm. Each call reads one value from the device.
/// </summary>
internal sealed class TorchGradients : IGradientControl
{
    private readonly Parameter[] _parameters;
    private readonly string[] _names;

    public TorchGradients(nn.Module model)
    {
        var trainable = model.named_parameters().Where(named => named.parameter.requires_grad).ToArray();
        _names = trainable.Select(named => named.name).ToArray();
        _parameters = trainable.Select(named => (Parameter)named.parameter.DetachFromDisposeScope()).ToArray();
    }

    /// <inheritdoc/>
    public int ParameterCount => _parameters.Length;

    /// <inheritdoc/>
    public string GetParameterName(int index) => _names[index];

    /// <inheritdoc/>
    public double GetNorm(int index, double normType)
    {
        using (NewDisposeScope())
        using (no_grad())
        {
            return TensorOps.Gradient(_parameters[index]) is { } gradient ? Norm(gradient, normType).item<double>() : 0;
        }
    }

    /// <inheritdoc/>
    public double GetTotalNorm(double normType)
    {
        using (NewDisposeScope())
        using (no_grad())
        {
            return TotalNorm(Present(), normType)?.item<double>() ?? 0;
        }
    }

    /// <inheritdoc/>
    public double ClipByNorm(double maxNorm, double normType)
    {
        using (NewDisposeScope())
        using (no_grad())
        {
            List<Tensor> gradients = Present();
            if (TotalNorm(gradients, normType) is not { } total)
            {
                return 0;
            }

            Tensor coefficient = total.add(1e-6).reciprocal().mul(maxNorm).clamp(max: 1.0);
            foreach (Tensor gradient in gradients)
            {
                gradient.mul_(TensorOps.ToType(coefficient, gradient.dtype, false));
            }

            return total.item<double>();
        }
    }

    /// <inheritdoc/>
    public void ClipByValue(double clipValue)
    {
        using (NewDisposeScope())
        using (no_grad())
        {
            foreach (Tensor gradient in Present())
            {
                gradient.clamp_(-clipValue, clipValue);
            }
        }
    }

    /// <summary>The gradients that exist (a parameter outside the loss has none), as wrappers of the current scope.</summary>
    private List<Tensor> Present()
    {
        var gradients = new List<Tensor>(_parameters.Length);
        foreach (Parameter parameter in _parameters)
        {
            if (TensorOps.Gradient(parameter) is { } gradient)
            {
                gradients.Add(gradient);
            }
        }

        return gradients;
    }

    private static Tensor? TotalNorm(List<Tensor> gradients, double normType) =>
        gradients.Count == 0 ? null : linalg.vector_norm(stack(gradients.Select(g => Norm(g, normType)).ToArray()), normType);

    private static Tensor Norm(Tensor gradient, double normType) => linalg.vector_norm(TensorOps.ToType(gradient, ScalarType.Float64, false), normType);
}
