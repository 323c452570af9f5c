using System;
using System.ComponentModel;

namespace DreamTrainer;

/// <summary>
/// Put on generated callbacks by the source generator: the hooks and per-hook priorities, so a
/// <c>[CallbackPipeline]</c> in another assembly can sort its calls at compile time. Not for hand use.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GeneratedCallbackAttribute : Attribute
{
    /// <summary>Records the hooks a generated callback implements.</summary>
    /// <param name="hooks">The implemented hooks.</param>
    public GeneratedCallbackAttribute(HookMask hooks) => Hooks = hooks;

    /// <summary>The implemented hooks.</summary>
    public HookMask Hooks { get; }

    /// <summary>The callback's error policy (pipelines handle isolated callbacks' failures in place).</summary>
    public CallbackErrorPolicy OnError { get; set; }

    /// <summary>The priority of <see cref="Hook.TrainStart"/> (0 when not set).</summary>
    public int TrainStartPriority { get; set; }

    /// <summary>The priority of <see cref="Hook.TrainEpochStart"/> (0 when not set).</summary>
    public int TrainEpochStartPriority { get; set; }

    /// <summary>The priority of <see cref="Hook.TrainBatchStart"/> (0 when not set).</summary>
    public int TrainBatchStartPriority { get; set; }

    /// <summary>The priority of <see cref="Hook.TrainBatchEnd"/> (0 when not set).</summary>
    public int TrainBatchEndPriority { get; set; }

    /// <summary>The priority of <see cref="Hook.TrainEpochEnd"/> (0 when not set).</summary>
    public int TrainEpochEndPriority { get; set; }

    /// <summary>The priority of <see cref="Hook.TrainEnd"/> (0 when not set).</summary>
    public int TrainEndPriority { get; set; }

    /// <summary>The priority of <see cref="Hook.ValidationStart"/> (0 when not set).</summary>
    public int ValidationStartPriority { get; set; }

    /// <summary>The priority of <see cref="Hook.ValidationEpochStart"/> (0 when not set).</summary>
    public int ValidationEpochStartPriority { get; set; }

    /// <summary>The priority of <see cref="Hook.ValidationBatchStart"/> (0 when not set).</summary>
    public int ValidationBatchStartPriority { get; set; }

    /// <summary>The priority of <see cref="Hook.ValidationBatchEnd"/> (0 when not set).</summary>
    public int ValidationBatchEndPriority { get; set; }

    /// <summary>The priority of <see cref="Hook.ValidationEpochEnd"/> (0 when not set).</summary>
    public int ValidationEpochEndPriority { get; set; }

    /// <summary>The priority of <see cref="Hook.ValidationEnd"/> (0 when not set).</summary>
    public int ValidationEndPriority { get; set; }

    /// <summary>The priority of <see cref="Hook.Exception"/> (0 when not set).</summary>
    public int ExceptionPriority { get; set; }

    /// <summary>The priority of <see cref="Hook.SaveState"/> (0 when not set).</summary>
    public int SaveStatePriority { get; set; }

    /// <summary>The priority of <see cref="Hook.LoadState"/> (0 when not set).</summary>
    public int LoadStatePriority { get; set; }

    /// <summary>The priority of <see cref="Hook.AfterBackward"/> (0 when not set).</summary>
    public int AfterBackwardPriority { get; set; }

    /// <summary>The priority of <see cref="Hook.BeforeOptimizerStep"/> (0 when not set).</summary>
    public int BeforeOptimizerStepPriority { get; set; }

    /// <summary>The priority of <see cref="Hook.BeforeZeroGrad"/> (0 when not set).</summary>
    public int BeforeZeroGradPriority { get; set; }
}
