using DreamTrainer.Generators.Helpers;

namespace DreamTrainer.Generators.Models;

/// <summary>A callback member of a pipeline.</summary>
/// <param name="Name">The field or property.</param>
/// <param name="IsOptional">Declared nullable: skipped while null instead of failing the run.</param>
internal sealed record PipelineMember(string Name, bool IsOptional);

/// <summary>One direct call in a pipeline hook.</summary>
/// <param name="Member">The member to call.</param>
/// <param name="Priority">Its priority for this hook (shown in a comment).</param>
/// <param name="IsOptional">The member is nullable: call it only when set.</param>
/// <param name="IsIsolated">The callback's policy is Isolate: its failures are handled in place.</param>
/// <param name="Index">The member's position in declaration order (what RunningCallback reports).</param>
internal sealed record PipelineCall(string Member, int Priority, bool IsOptional, bool IsIsolated, int Index);

/// <summary>A hook of the pipeline: the members to call, sorted at compile time.</summary>
/// <param name="Ordinal">The hook's ordinal.</param>
/// <param name="Calls">Calls in dispatch order.</param>
internal sealed record PipelineHook(int Ordinal, EquatableArray<PipelineCall> Calls);

/// <summary>Everything the emitter needs to implement ICallbackDispatcher for a <c>[CallbackPipeline]</c> class.</summary>
/// <param name="Scope">Where the partial goes.</param>
/// <param name="Members">The callback members, in declaration order.</param>
/// <param name="Hooks">Every hook of the catalogue, with its calls (possibly none).</param>
internal sealed record PipelineModel(TypeScope Scope, EquatableArray<PipelineMember> Members, EquatableArray<PipelineHook> Hooks)
    : IGeneratedType<PipelineModel>
{
    /// <inheritdoc/>
    public PipelineModel WithScope(TypeScope scope) => this with { Scope = scope };
}
