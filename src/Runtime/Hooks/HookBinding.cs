using System;
using System.ComponentModel;

namespace DreamTrainer;

/// <summary>The values a hook method may bind by a type of its choosing (by parameter name).</summary>
public enum BoundValue
{
    /// <summary><c>batch</c>: the current batch, in batch hooks and the optimizer-step hooks.</summary>
    Batch,

    /// <summary><c>outputs</c>: what the step returned besides the loss (<see cref="StepResult.Outputs"/>), in batch-end hooks.</summary>
    Outputs,

    /// <summary><c>model</c>: the module's model object (<see cref="TrainerContext.Model"/>), in every hook.</summary>
    Model,

    /// <summary><c>optimizer</c>: the module's optimizer object (<see cref="TrainerContext.Optimizer"/>), in every hook.</summary>
    Optimizer,
}

/// <summary>
/// One parameter of a hook method bound by a type of the method's choosing: the generator lists them
/// in <see cref="ICallback.Bindings"/>, and the trainer checks each type once, when Fit starts (the
/// step outputs at the first step), naming the callback, the hook, the expected and the actual type.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class HookBinding
{
    /// <summary>Describes a bound parameter.</summary>
    /// <param name="hook">The hook whose method binds it.</param>
    /// <param name="value">What it binds.</param>
    /// <param name="type">The parameter's type.</param>
    /// <param name="method">The hook method's name, for messages.</param>
    /// <param name="allowsNull">True when the parameter is declared nullable, so a missing value is fine.</param>
    public HookBinding(Hook hook, BoundValue value, Type type, string method, bool allowsNull = false)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentException.ThrowIfNullOrEmpty(method);
        Hook = hook;
        Value = value;
        Type = type;
        Method = method;
        AllowsNull = allowsNull;
    }

    /// <summary>The hook whose method binds the value.</summary>
    public Hook Hook { get; }

    /// <summary>What the parameter binds.</summary>
    public BoundValue Value { get; }

    /// <summary>The parameter's type.</summary>
    public Type Type { get; }

    /// <summary>The hook method's name.</summary>
    public string Method { get; }

    /// <summary>True when the parameter is declared nullable.</summary>
    public bool AllowsNull { get; }
}
