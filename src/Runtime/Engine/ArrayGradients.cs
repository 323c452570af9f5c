using System;
using System.Collections.Generic;

namespace DreamTrainer;

/// <summary>
/// <see cref="IGradientControl"/> over gradients kept in managed <c>float</c> arrays: for engines
/// written on the CPU (the samples' MLP) and for tests. Norms and clipping follow
/// <c>torch.nn.utils.clip_grad_norm_</c> / <c>clip_grad_value_</c>; sums run in double precision.
/// </summary>
public sealed class ArrayGradients : IGradientControl
{
    private readonly string[] _names;
    private readonly float[][] _gradients;

    /// <summary>Gradients of named parameters; the arrays are used in place, not copied.</summary>
    /// <param name="parameters">Each parameter's name and gradient array.</param>
    /// <exception cref="ArgumentException">A name is empty or repeated, or a gradient is null.</exception>
    public ArrayGradients(params (string Name, float[] Gradient)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _names = new string[parameters.Length];
        _gradients = new float[parameters.Length][];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < parameters.Length; i++)
        {
            (string name, float[] gradient) = parameters[i];
            if (string.IsNullOrEmpty(name) || !seen.Add(name))
            {
                throw new ArgumentException($"Parameter {i} has the name '{name}'; names must be non-empty and unique.", nameof(parameters));
            }

            _names[i] = name;
            _gradients[i] = gradient ?? throw new ArgumentException($"Parameter '{name}' has no gradient array.", nameof(parameters));
        }
    }

    /// <inheritdoc/>
    public int ParameterCount => _names.Length;

    /// <inheritdoc/>
    public string GetParameterName(int index) => _names[index];

    /// <inheritdoc/>
    public double GetNorm(int index, double normType) => Finish(Accumulate(0, _gradients[index], normType), normType);

    /// <inheritdoc/>
    public double GetTotalNorm(double normType)
    {
        double total = 0;
        foreach (float[] gradient in _gradients)
        {
            total = Accumulate(total, gradient, normType);
        }

        return Finish(total, normType);
    }

    /// <inheritdoc/>
    public double ClipByNorm(double maxNorm, double normType)
    {
        double total = GetTotalNorm(normType);
        double coefficient = maxNorm / (total + 1e-6);
        if (coefficient < 1)
        {
            foreach (float[] gradient in _gradients)
            {
                for (int i = 0; i < gradient.Length; i++)
                {
                    gradient[i] = (float)(gradient[i] * coefficient);
                }
            }
        }

        return total;
    }

    /// <inheritdoc/>
    public void ClipByValue(double clipValue)
    {
        float limit = (float)clipValue;
        foreach (float[] gradient in _gradients)
        {
            for (int i = 0; i < gradient.Length; i++)
            {
                gradient[i] = Math.Clamp(gradient[i], -limit, limit);
            }
        }
    }

    /// <summary>Adds to <paramref name="sum"/> the sum of |g|^p (or takes the max for p = ∞).</summary>
    private static double Accumulate(double sum, float[] gradient, double normType)
    {
        foreach (float value in gradient)
        {
            double magnitude = Math.Abs((double)value);
            sum = double.IsPositiveInfinity(normType) ? Math.Max(sum, magnitude)
                : normType == 2 ? sum + (magnitude * magnitude)
                : sum + Math.Pow(magnitude, normType);
        }

        return sum;
    }

    private static double Finish(double sum, double normType) =>
        double.IsPositiveInfinity(normType) ? sum : normType == 2 ? Math.Sqrt(sum) : Math.Pow(sum, 1 / normType);
}
