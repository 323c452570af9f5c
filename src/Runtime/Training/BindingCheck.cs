using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace DreamTrainer;

/// <summary>
/// Checks what hooks bind by a type of their choosing (<see cref="ICallback.Bindings"/>) against a
/// run, once, so a mismatch fails with a message naming the callback, the hook, the expected and
/// the actual type — instead of an invalid cast at some later step.
/// </summary>
internal static class BindingCheck
{
    /// <summary>What a run offers the bindings; a null member is not checked.</summary>
    /// <param name="BatchType">The batch type, or null when no batch is given (a harness call without one).</param>
    /// <param name="Model">The model object.</param>
    /// <param name="Optimizer">The optimizer object.</param>
    internal readonly record struct Offer(Type? BatchType, object? Model, object? Optimizer);

    /// <summary>
    /// Throws when a binding of <paramref name="callbacks"/> does not fit <paramref name="offer"/>. With
    /// <paramref name="hook"/> only that hook's bindings are checked. Step outputs are checked by
    /// <see cref="CheckOutputs"/> when the first step returns them.
    /// </summary>
    public static void Check(IReadOnlyList<ICallback> callbacks, in Offer offer, string batchOrigin, Hook? hook = null)
    {
        List<string>? problems = null;
        foreach (ICallback callback in callbacks)
        {
            foreach (HookBinding binding in callback.Bindings)
            {
                if (hook is { } only && binding.Hook != only)
                {
                    continue;
                }

                string? problem = binding.Value switch
                {
                    BoundValue.Batch when offer.BatchType is null => $"but {batchOrigin} gives no batch",
                    BoundValue.Batch when offer.BatchType != binding.Type => $"but {batchOrigin} yields '{Display(offer.BatchType)}'",
                    BoundValue.Model => ObjectProblem(binding, offer.Model, "the module's model (ITrainingModule.Model)"),
                    BoundValue.Optimizer => ObjectProblem(binding, offer.Optimizer, "the module's optimizer (ITrainingModule.Optimizer)"),
                    _ => null,
                };
                if (problem is not null)
                {
                    (problems ??= new List<string>()).Add(Describe(callback, binding) + problem + ".");
                }
            }
        }

        Throw(problems);
    }

    /// <summary>Throws when a binding of <paramref name="hook"/> does not fit the step outputs <paramref name="outputs"/>.</summary>
    public static void CheckOutputs(IReadOnlyList<ICallback> callbacks, Hook hook, object? outputs, string step)
    {
        List<string>? problems = null;
        foreach (ICallback callback in callbacks)
        {
            foreach (HookBinding binding in callback.Bindings)
            {
                if (binding.Hook != hook || binding.Value != BoundValue.Outputs)
                {
                    continue;
                }

                string? problem = outputs is null
                    ? binding.AllowsNull ? null : $"but the {step} returned none (StepResult.Outputs is null); declare it '{Display(binding.Type)}? outputs' if some steps have none"
                    : binding.Type.IsInstanceOfType(outputs) ? null : $"but the {step} returned '{Display(outputs.GetType())}'";
                if (problem is not null)
                {
                    (problems ??= new List<string>()).Add(Describe(callback, binding) + problem + ".");
                }
            }
        }

        Throw(problems);
    }

    /// <summary>True when some callback binds the step outputs in <paramref name="hook"/>.</summary>
    public static bool BindsOutputs(IReadOnlyList<ICallback> callbacks, Hook hook) =>
        callbacks.Any(c => c.Bindings.Any(b => b.Hook == hook && b.Value == BoundValue.Outputs));

    /// <summary>A type as C# source names it: <c>System.Collections.Generic.List&lt;System.Single[]&gt;</c>.</summary>
    public static string Display(Type type)
    {
        if (type.IsArray)
        {
            return Display(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        }

        string name = type.IsNested ? Display(type.DeclaringType!) + "." + type.Name : (type.Namespace is { } ns ? ns + "." : string.Empty) + type.Name;
        if (!type.IsGenericType)
        {
            return name;
        }

        int tick = name.IndexOf('`', StringComparison.Ordinal);
        var builder = new StringBuilder(tick < 0 ? name : name[..tick]).Append('<');
        builder.AppendJoin(", ", type.GetGenericArguments().Select(Display));
        return builder.Append('>').ToString();
    }

    private static string? ObjectProblem(HookBinding binding, object? value, string what) => value switch
    {
        null when binding.AllowsNull => null,
        null => $"but {what} is null",
        _ when binding.Type.IsInstanceOfType(value) => null,
        _ => $"but {what} is '{Display(value.GetType())}'",
    };

    private static string Describe(ICallback callback, HookBinding binding)
    {
        string what = binding.Value switch
        {
            BoundValue.Batch => "the batch",
            BoundValue.Outputs => "the step outputs",
            BoundValue.Model => "the model",
            _ => "the optimizer",
        };
        return $"Callback '{CallbackCollection.Describe(callback)}' binds {what} in On{binding.Hook} (method '{binding.Method}') as '{Display(binding.Type)}', ";
    }

    private static void Throw(List<string>? problems)
    {
        if (problems is null)
        {
            return;
        }

        throw new InvalidOperationException(problems.Count == 1
            ? problems[0]
            : $"{problems.Count} hook parameters do not fit this run:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems));
    }
}
