namespace DreamTrainer;

/// <summary>
/// Engine seam: the gradients of the parameters an optimizer updates, for the optimizer-step hooks
/// (<see cref="GradientView"/>). TorchSharp: the <c>grad</c> of each of <c>module.parameters()</c>,
/// <c>nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>. Norms read device values: each call
/// may synchronize a GPU, so the trainer never calls them by itself.
/// </summary>
public interface IGradientControl
{
    /// <summary>The number of parameters that have gradients.</summary>
    int ParameterCount { get; }

    /// <summary>The name of parameter <paramref name="index"/> (<c>fc1.weight</c>, …).</summary>
    /// <param name="index">The parameter, from 0.</param>
    /// <returns>The name.</returns>
    string GetParameterName(int index);

    /// <summary>The <paramref name="normType"/>-norm of parameter <paramref name="index"/>'s gradient.</summary>
    /// <param name="index">The parameter, from 0.</param>
    /// <param name="normType">p, positive; <see cref="double.PositiveInfinity"/> for the largest magnitude.</param>
    /// <returns>The norm.</returns>
    double GetNorm(int index, double normType);

    /// <summary>The <paramref name="normType"/>-norm of all gradients taken as one vector.</summary>
    /// <param name="normType">p, positive; <see cref="double.PositiveInfinity"/> for the largest magnitude.</param>
    /// <returns>The norm.</returns>
    double GetTotalNorm(double normType);

    /// <summary>
    /// Scales every gradient by <c>maxNorm / (total + 1e-6)</c> when the total norm exceeds
    /// <paramref name="maxNorm"/> (<c>torch.nn.utils.clip_grad_norm_</c>).
    /// </summary>
    /// <param name="maxNorm">The largest total norm allowed, positive.</param>
    /// <param name="normType">p, positive; <see cref="double.PositiveInfinity"/> for the largest magnitude.</param>
    /// <returns>The total norm before clipping.</returns>
    double ClipByNorm(double maxNorm, double normType);

    /// <summary>Clamps every gradient element into [-<paramref name="clipValue"/>, <paramref name="clipValue"/>] (<c>clip_grad_value_</c>).</summary>
    /// <param name="clipValue">The largest magnitude allowed, positive.</param>
    void ClipByValue(double clipValue);
}
