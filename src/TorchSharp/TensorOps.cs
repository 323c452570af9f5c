using System;
using System.Collections.Generic;
using System.Linq;
using System.Linq.Expressions;
using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace DreamTrainer.TorchSharp;

/// <summary>
/// The TorchSharp calls whose shape changed between 0.99 and 0.10x, said once: the gradient
/// accessor (a method, then a property), in-place operations (a new wrapper of the same tensor,
/// then the tensor itself), and the methods that gained optional parameters. The package is built
/// against one TorchSharp and runs against the one the user has (0.105 and later through its
/// dependency): a call compiled against <c>to(Device)</c> names that exact signature, which 0.105
/// no longer has (<c>to(Device, bool, bool, bool)</c>), so such calls bind here, by reflection, to
/// whichever overload this TorchSharp has, its optional parameters at their defaults.
/// </summary>
internal static class TensorOps
{
    /// <summary>A parameter's gradient as a new wrapper to dispose (null before the first backward), in either TorchSharp.</summary>
    public static readonly Func<Tensor, Tensor?> Gradient = BindGradient();

    /// <summary><c>tensor.to_type(type, copy)</c>: 0.99 has (ScalarType, bool copy), 0.105 adds disposeAfter and non_blocking.</summary>
    public static readonly Func<Tensor, ScalarType, bool, Tensor> ToType =
        BindWithDefaults<Func<Tensor, ScalarType, bool, Tensor>>(typeof(Tensor), "to_type", typeof(ScalarType), typeof(bool));

    /// <summary><c>tensor.to(device)</c>: 0.99 has (Device), 0.105 adds copy, disposeAfter and non_blocking.</summary>
    public static readonly Func<Tensor, Device, Tensor> To =
        BindWithDefaults<Func<Tensor, Device, Tensor>>(typeof(Tensor), "to", typeof(Device));

    /// <summary><c>module.buffers(recurse)</c>: 0.99 has (bool), 0.105 adds include_nonpersistent.</summary>
    public static readonly Func<nn.Module, bool, IEnumerable<Tensor>> Buffers =
        BindWithDefaults<Func<nn.Module, bool, IEnumerable<Tensor>>>(typeof(nn.Module), "buffers", typeof(bool));

    /// <summary>The extension <c>module.to(device)</c> (moves in place, returns the module): 0.105 adds non_blocking.</summary>
    public static readonly Func<nn.Module, Device, nn.Module> MoveModule =
        BindWithDefaults<Func<nn.Module, Device, nn.Module>>(typeof(ModuleExtensionMethods), "to", typeof(nn.Module), typeof(Device));

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

    /// <summary>
    /// Binds the public method <paramref name="name"/> of <paramref name="type"/> whose first
    /// parameters are <paramref name="leading"/> (after the instance, for an instance method) and
    /// whose others are optional, with the fewest parameters; the others get their defaults. A
    /// generic static method (an extension such as <c>to&lt;T&gt;(T, Device)</c>) is closed over the
    /// first of <paramref name="leading"/>.
    /// </summary>
    internal static TDelegate BindWithDefaults<TDelegate>(Type type, string name, params Type[] leading)
        where TDelegate : Delegate
    {
        Type[] delegateParameters = typeof(TDelegate).GetMethod("Invoke")!.GetParameters().Select(p => p.ParameterType).ToArray();
        MethodInfo? best = null;
        foreach (MethodInfo candidate in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
        {
            MethodInfo method = candidate;
            if (method.Name != name)
            {
                continue;
            }

            if (method.IsGenericMethodDefinition)
            {
                if (!method.IsStatic || method.GetGenericArguments().Length != 1 || leading.Length == 0)
                {
                    continue;
                }

                try
                {
                    method = method.MakeGenericMethod(leading[0]);
                }
                catch (ArgumentException)
                {
                    // The first type breaks the method's constraints: not this one.
                    continue;
                }
            }

            ParameterInfo[] parameters = method.GetParameters();
            bool fits = parameters.Length >= leading.Length
                && Enumerable.Range(0, leading.Length).All(i => parameters[i].ParameterType == leading[i])
                && parameters.Skip(leading.Length).All(p => p.HasDefaultValue)
                && delegateParameters.Length == leading.Length + (method.IsStatic ? 0 : 1)
                && typeof(TDelegate).GetMethod("Invoke")!.ReturnType.IsAssignableFrom(method.ReturnType);
            if (fits && (best is null || parameters.Length < best.GetParameters().Length))
            {
                best = method;
            }
        }

        if (best is null)
        {
            throw new MissingMemberException(
                $"This TorchSharp ({typeof(Tensor).Assembly.GetName().Version}) has no {type.Name}.{name}({string.Join(", ", leading.Select(t => t.Name))}, optional parameters…); DreamTrainer.TorchSharp supports 0.99 and later.");
        }

        ParameterExpression[] arguments = delegateParameters.Select((t, i) => Expression.Parameter(t, "a" + i)).ToArray();
        ParameterInfo[] all = best.GetParameters();
        IEnumerable<Expression> passed = arguments.Skip(best.IsStatic ? 0 : 1).Cast<Expression>()
            .Concat(all.Skip(leading.Length).Select(DefaultOf));
        Expression call = best.IsStatic ? Expression.Call(best, passed) : Expression.Call(arguments[0], best, passed);
        Type returns = typeof(TDelegate).GetMethod("Invoke")!.ReturnType;
        return Expression.Lambda<TDelegate>(call.Type == returns ? call : Expression.Convert(call, returns), arguments).Compile();
    }

    /// <summary>An optional parameter's default; <c>= default</c> of a struct reads as null in metadata.</summary>
    private static Expression DefaultOf(ParameterInfo parameter) =>
        parameter.DefaultValue is null && parameter.ParameterType.IsValueType && Nullable.GetUnderlyingType(parameter.ParameterType) is null
            ? Expression.Default(parameter.ParameterType)
            : Expression.Constant(parameter.DefaultValue, parameter.ParameterType);

    private static Func<Tensor, Tensor?> BindGradient()
    {
        MethodInfo? accessor = typeof(Tensor).GetProperty("grad", BindingFlags.Public | BindingFlags.Instance)?.GetMethod
            ?? typeof(Tensor).GetMethod("grad", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        return accessor is not null && accessor.ReturnType == typeof(Tensor)
            ? accessor.CreateDelegate<Func<Tensor, Tensor?>>()
            : throw new MissingMemberException($"This TorchSharp ({typeof(Tensor).Assembly.GetName().Version}) has neither Tensor.grad() nor Tensor.grad; DreamTrainer.TorchSharp supports 0.99 and later.");
    }
}
