using System;

namespace DreamTrainer;

/// <summary>
/// What the optimizer-step hooks receive: the gradients of the step, to measure (norms per parameter
/// or in total) and to clip. A view over the engine's <see cref="IGradientControl"/>; copying it
/// copies one reference. Norms read device values: each call may synchronize a GPU.
/// </summary>
public readonly struct GradientView
{
    private readonly IGradientControl? _control;

    /// <summary>A view over <paramref name="control"/> (null: an engine without gradient access).</summary>
    /// <param name="control">The engine's gradients.</param>
    public GradientView(IGradientControl? control) => _control = control;

    /// <summary>False when the engine exposes no gradients; then every other member throws.</summary>
    public bool IsAvailable => _control is not null;

    /// <summary>The number of parameters with gradients (0 when unavailable).</summary>
    public int ParameterCount => _control?.ParameterCount ?? 0;

    /// <summary>The name of parameter <paramref name="index"/>.</summary>
    /// <param name="index">The parameter, from 0 to <see cref="ParameterCount"/> - 1.</param>
    /// <returns>The name.</returns>
    public string GetParameterName(int index)
    {
        IGradientControl control = Require();
        CheckIndex(control, index);
        return control.GetParameterName(index);
    }

    /// <summary>The <paramref name="normType"/>-norm of parameter <paramref name="index"/>'s gradient.</summary>
    /// <param name="index">The parameter, from 0 to <see cref="ParameterCount"/> - 1.</param>
    /// <param name="normType">p, positive; <see cref="double.PositiveInfinity"/> for the largest magnitude. Default 2.</param>
    /// <returns>The norm.</returns>
    public double GetNorm(int index, double normType = 2)
    {
        IGradientControl control = Require();
        CheckIndex(control, index);
        CheckNormType(normType);
        return control.GetNorm(index, normType);
    }

    /// <summary>The <paramref name="normType"/>-norm of all gradients together (what norm clipping compares).</summary>
    /// <param name="normType">p, positive; <see cref="double.PositiveInfinity"/> for the largest magnitude. Default 2.</param>
    /// <returns>The norm.</returns>
    public double GetTotalNorm(double normType = 2)
    {
        IGradientControl control = Require();
        CheckNormType(normType);
        return control.GetTotalNorm(normType);
    }

    /// <summary>Scales the gradients so their total norm is at most <paramref name="maxNorm"/> (<c>clip_grad_norm_</c>).</summary>
    /// <param name="maxNorm">The largest total norm allowed, finite and positive.</param>
    /// <param name="normType">p, positive; <see cref="double.PositiveInfinity"/> for the largest magnitude. Default 2.</param>
    /// <returns>The total norm before clipping.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range (the message names it and its value).</exception>
    [TrainerControl]
    public double ClipByNorm(double maxNorm, double normType = 2)
    {
        IGradientControl control = Require();
        if (!double.IsFinite(maxNorm) || maxNorm <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, $"maxNorm must be finite and positive; it was {maxNorm}.");
        }

        CheckNormType(normType);
        return control.ClipByNorm(maxNorm, normType);
    }

    /// <summary>Clamps every gradient element into [-<paramref name="clipValue"/>, <paramref name="clipValue"/>] (<c>clip_grad_value_</c>).</summary>
    /// <param name="clipValue">The largest magnitude allowed, finite and positive.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clipValue"/> is not finite and positive.</exception>
    [TrainerControl]
    public void ClipByValue(double clipValue)
    {
        IGradientControl control = Require();
        if (!double.IsFinite(clipValue) || clipValue <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(clipValue), clipValue, $"clipValue must be finite and positive; it was {clipValue}.");
        }

        control.ClipByValue(clipValue);
    }

    private IGradientControl Require() =>
        _control ?? throw new InvalidOperationException(
            "The module exposes no gradients: return an IGradientControl from IPhasedTrainingStep.Gradients.");

    private static void CheckIndex(IGradientControl control, int index)
    {
        if ((uint)index >= (uint)control.ParameterCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index must be between 0 and {control.ParameterCount - 1}; it was {index}.");
        }
    }

    private static void CheckNormType(double normType)
    {
        if (double.IsNaN(normType) || normType <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(normType), normType, $"normType must be positive (or +infinity); it was {normType}.");
        }
    }
}
