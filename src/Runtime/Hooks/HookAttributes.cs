using System;

namespace DreamTrainer;

/// <summary>
/// Base of the hook attributes: a method so marked is called by the trainer at that hook. Every hook
/// also binds the module's model and optimizer by their types (<c>MyNet model</c>, <c>Sgd optimizer</c>),
/// checked when Fit starts.
/// </summary>
public abstract class HookAttribute : Attribute
{
    /// <summary>Creates the attribute for <paramref name="hook"/>.</summary>
    /// <param name="hook">The hook the marked method handles.</param>
    private protected HookAttribute(Hook hook) => Hook = hook;

    /// <summary>The hook the marked method handles.</summary>
    public Hook Hook { get; }

    /// <summary>
    /// Priority of this hook for this callback; higher runs first, ties run in registration order.
    /// When not set, the class default from <see cref="CallbackAttribute.Priority"/> applies (0 if none).
    /// </summary>
    public int Priority { get; set; }
}

/// <summary>Marks a method the trainer calls once, before the first epoch. The context (<see cref="TrainerContext"/>) binds in any hook.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnTrainStartAttribute : HookAttribute
{
    /// <summary>Marks a method as a <see cref="Hook.TrainStart"/> handler.</summary>
    public OnTrainStartAttribute()
        : base(Hook.TrainStart)
    {
    }
}

/// <summary>Marks a method the trainer calls at the start of each training epoch; binds <c>int epoch</c>. The context (<see cref="TrainerContext"/>) binds in any hook.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnTrainEpochStartAttribute : HookAttribute
{
    /// <summary>Marks a method as a <see cref="Hook.TrainEpochStart"/> handler.</summary>
    public OnTrainEpochStartAttribute()
        : base(Hook.TrainEpochStart)
    {
    }
}

/// <summary>Marks a method the trainer calls before each training step; binds <c>int batchIndex</c>, <c>long globalStep</c> and the batch by its type (<c>MyBatch batch</c>). The context (<see cref="TrainerContext"/>) binds in any hook.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnTrainBatchStartAttribute : HookAttribute
{
    /// <summary>Marks a method as a <see cref="Hook.TrainBatchStart"/> handler.</summary>
    public OnTrainBatchStartAttribute()
        : base(Hook.TrainBatchStart)
    {
    }
}

/// <summary>Marks a method the trainer calls after each training step; binds <c>in StepOutput output</c>, <c>int batchIndex</c>, <c>long globalStep</c>, the batch (<c>MyBatch batch</c>) and the step outputs (<c>MyOutputs outputs</c>) by their types. The context (<see cref="TrainerContext"/>) binds in any hook.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnTrainBatchEndAttribute : HookAttribute
{
    /// <summary>Marks a method as a <see cref="Hook.TrainBatchEnd"/> handler.</summary>
    public OnTrainBatchEndAttribute()
        : base(Hook.TrainBatchEnd)
    {
    }
}

/// <summary>Marks a method the trainer calls after the epoch's validation; binds <c>int epoch</c>, <c>MetricsView metrics</c>. The context (<see cref="TrainerContext"/>) binds in any hook.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnTrainEpochEndAttribute : HookAttribute
{
    /// <summary>Marks a method as a <see cref="Hook.TrainEpochEnd"/> handler.</summary>
    public OnTrainEpochEndAttribute()
        : base(Hook.TrainEpochEnd)
    {
    }
}

/// <summary>Marks a method the trainer calls always, when training ends; binds <c>TrainEndReason reason</c>. The context (<see cref="TrainerContext"/>) binds in any hook.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnTrainEndAttribute : HookAttribute
{
    /// <summary>Marks a method as a <see cref="Hook.TrainEnd"/> handler.</summary>
    public OnTrainEndAttribute()
        : base(Hook.TrainEnd)
    {
    }
}

/// <summary>Marks a method the trainer calls before a validation pass. The context (<see cref="TrainerContext"/>) binds in any hook.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnValidationStartAttribute : HookAttribute
{
    /// <summary>Marks a method as a <see cref="Hook.ValidationStart"/> handler.</summary>
    public OnValidationStartAttribute()
        : base(Hook.ValidationStart)
    {
    }
}

/// <summary>Marks a method the trainer calls at the start of the validation epoch; binds <c>int epoch</c>. The context (<see cref="TrainerContext"/>) binds in any hook.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnValidationEpochStartAttribute : HookAttribute
{
    /// <summary>Marks a method as a <see cref="Hook.ValidationEpochStart"/> handler.</summary>
    public OnValidationEpochStartAttribute()
        : base(Hook.ValidationEpochStart)
    {
    }
}

/// <summary>Marks a method the trainer calls before each validation step; binds <c>int batchIndex</c>, <c>long globalStep</c> and the batch by its type (<c>MyBatch batch</c>). The context (<see cref="TrainerContext"/>) binds in any hook.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnValidationBatchStartAttribute : HookAttribute
{
    /// <summary>Marks a method as a <see cref="Hook.ValidationBatchStart"/> handler.</summary>
    public OnValidationBatchStartAttribute()
        : base(Hook.ValidationBatchStart)
    {
    }
}

/// <summary>Marks a method the trainer calls after each validation step; binds <c>in StepOutput output</c>, <c>int batchIndex</c>, <c>long globalStep</c>, the batch (<c>MyBatch batch</c>) and the step outputs (<c>MyOutputs outputs</c>) by their types. The context (<see cref="TrainerContext"/>) binds in any hook.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnValidationBatchEndAttribute : HookAttribute
{
    /// <summary>Marks a method as a <see cref="Hook.ValidationBatchEnd"/> handler.</summary>
    public OnValidationBatchEndAttribute()
        : base(Hook.ValidationBatchEnd)
    {
    }
}

/// <summary>Marks a method the trainer calls after the last validation step; binds <c>int epoch</c>, <c>MetricsView metrics</c>. The context (<see cref="TrainerContext"/>) binds in any hook.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnValidationEpochEndAttribute : HookAttribute
{
    /// <summary>Marks a method as a <see cref="Hook.ValidationEpochEnd"/> handler.</summary>
    public OnValidationEpochEndAttribute()
        : base(Hook.ValidationEpochEnd)
    {
    }
}

/// <summary>Marks a method the trainer calls after a validation pass. The context (<see cref="TrainerContext"/>) binds in any hook.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnValidationEndAttribute : HookAttribute
{
    /// <summary>Marks a method as a <see cref="Hook.ValidationEnd"/> handler.</summary>
    public OnValidationEndAttribute()
        : base(Hook.ValidationEnd)
    {
    }
}

/// <summary>Marks a method the trainer calls when a step or callback throws; binds <c>Exception exception</c>. The context (<see cref="TrainerContext"/>) binds in any hook.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnExceptionAttribute : HookAttribute
{
    /// <summary>Marks a method as a <see cref="Hook.Exception"/> handler.</summary>
    public OnExceptionAttribute()
        : base(Hook.Exception)
    {
    }
}

/// <summary>Marks a method the trainer calls when a checkpoint is written; binds <c>CallbackStateWriter writer</c>. The context (<see cref="TrainerContext"/>) binds in any hook.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnSaveStateAttribute : HookAttribute
{
    /// <summary>Marks a method as a <see cref="Hook.SaveState"/> handler.</summary>
    public OnSaveStateAttribute()
        : base(Hook.SaveState)
    {
    }
}

/// <summary>Marks a method the trainer calls when a run resumes; binds <c>CallbackStateReader reader</c>. The context (<see cref="TrainerContext"/>) binds in any hook.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnLoadStateAttribute : HookAttribute
{
    /// <summary>Marks a method as a <see cref="Hook.LoadState"/> handler.</summary>
    public OnLoadStateAttribute()
        : base(Hook.LoadState)
    {
    }
}

/// <summary>Marks a method the trainer calls in a phased training step after backward, every batch; binds <c>GradientView gradients</c>, <c>int batchIndex</c>, <c>long globalStep</c>. The context (<see cref="TrainerContext"/>) binds in any hook.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnAfterBackwardAttribute : HookAttribute
{
    /// <summary>Marks a method as a <see cref="Hook.AfterBackward"/> handler.</summary>
    public OnAfterBackwardAttribute()
        : base(Hook.AfterBackward)
    {
    }
}

/// <summary>Marks a method the trainer calls in a phased training step just before the optimizer step (clip gradients here); binds <c>GradientView gradients</c>, <c>int batchIndex</c>, <c>long globalStep</c>. The context (<see cref="TrainerContext"/>) binds in any hook.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnBeforeOptimizerStepAttribute : HookAttribute
{
    /// <summary>Marks a method as a <see cref="Hook.BeforeOptimizerStep"/> handler.</summary>
    public OnBeforeOptimizerStepAttribute()
        : base(Hook.BeforeOptimizerStep)
    {
    }
}

/// <summary>Marks a method the trainer calls in a phased training step before the gradients are cleared; binds <c>GradientView gradients</c>, <c>int batchIndex</c>, <c>long globalStep</c>. The context (<see cref="TrainerContext"/>) binds in any hook.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnBeforeZeroGradAttribute : HookAttribute
{
    /// <summary>Marks a method as a <see cref="Hook.BeforeZeroGrad"/> handler.</summary>
    public OnBeforeZeroGradAttribute()
        : base(Hook.BeforeZeroGrad)
    {
    }
}
