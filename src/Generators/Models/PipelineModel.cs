using DreamTrainer.Generators.Helpers;

namespace DreamTrainer.Generators.Models;

/// <summary>One member on the way from a pipeline to a callback it calls.</summary>
/// <param name="Name">The field or property.</param>
/// <param name="IsOptional">Declared nullable: skipped while null instead of failing the run.</param>
internal sealed record MemberSegment(string Name, bool IsOptional);

/// <summary>A field or property the pipeline declares itself.</summary>
/// <param name="Name">The field or property.</param>
/// <param name="IsOptional">Declared nullable: skipped while null instead of failing the run.</param>
/// <param name="IsGroup">A pipeline (a group): its members run, not it.</param>
internal sealed record PipelineMember(string Name, bool IsOptional, bool IsGroup);

/// <summary>
/// A callback the pipeline calls: a member of its own, or — for a pipeline nested in this
/// compilation — a member of that member, so every callback keeps its own priorities.
/// </summary>
/// <param name="Path">The members from the pipeline to the callback.</param>
/// <param name="IsGroup">A pipeline compiled elsewhere, called as one callback (its own members sorted inside it).</param>
internal sealed record PipelineLeaf(EquatableArray<MemberSegment> Path, bool IsGroup);

/// <summary>One direct call in a pipeline hook.</summary>
/// <param name="Leaf">The callback to call: its position among the leaves (what RunningCallback reports).</param>
/// <param name="Priority">Its priority for this hook (shown in a comment).</param>
/// <param name="IsIsolated">The callback's policy is Isolate: its failures are handled in place.</param>
internal sealed record PipelineCall(int Leaf, int Priority, bool IsIsolated);

/// <summary>A hook of the pipeline: the members to call, sorted at compile time.</summary>
/// <param name="Ordinal">The hook's ordinal.</param>
/// <param name="Calls">Calls in dispatch order.</param>
internal sealed record PipelineHook(int Ordinal, EquatableArray<PipelineCall> Calls);

/// <summary>Everything the emitter needs to implement ICallbackDispatcher (and ICallback) for a <c>[CallbackPipeline]</c> class.</summary>
/// <param name="Scope">Where the partial goes.</param>
/// <param name="Members">The callback members it declares, in declaration order.</param>
/// <param name="Leaves">The callbacks it calls, nested pipelines flattened, in declaration order.</param>
/// <param name="Hooks">Every hook of the catalogue, with its calls (possibly none).</param>
internal sealed record PipelineModel(TypeScope Scope, EquatableArray<PipelineMember> Members, EquatableArray<PipelineLeaf> Leaves, EquatableArray<PipelineHook> Hooks)
    : IGeneratedType<PipelineModel>
{
    /// <inheritdoc/>
    public PipelineModel WithScope(TypeScope scope) => this with { Scope = scope };
}
