using System;
using System.Reflection;
using static TorchSharp.torch;

namespace DreamTrainer.TorchSharp;

/// <summary>
/// The TorchSharp calls whose shape changed between 0.99 and 0.10x, said once: the gradient
/// accessor (a method, then a property) and in-place operations (a new wrapper of the same tensor,
/// then the tensor itself).
/// </summary>
internal static class TensorOps
{
    /// <summary>A parameter's gradient as a new wrapper to dispose (null before the first backward), in either TorchSharp.</summary>
    public static readonly Func<Tensor, Tensor?> Gradient = BindGradient();

    /// <summary>Disposes what an in-place call on <paramref name="target"/> returned, unless it is the target itself.</summary>
    /// <param name="target">The tensor changed in place.</param>
    /// <param name="result">What the call returned.</param>
    public static void ReleaseResult(Tensor target, Tensor result)
    {
        if (!ReferenceEquals(target, result))
        {
            result.Dispose();
        }
    }

    private static Func<Tensor, Tensor?> BindGradient()
    {
        MethodInfo? accessor = typeof(Tensor).GetProperty("grad", BindingFlags.Public | BindingFlags.Instance)?.GetMethod
            ?? typeof(Tensor).GetMethod("grad", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        return accessor is not null && accessor.ReturnType == typeof(Tensor)
            ? accessor.CreateDelegate<Func<Tensor, Tensor?>>()
            : throw new MissingMemberException($"This TorchSharp ({typeof(Tensor).Assembly.GetName().Version}) has neither Tensor.grad() nor Tensor.grad; DreamTrainer.TorchSharp supports 0.99 and later.");
    }
}
