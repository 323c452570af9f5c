using System.Collections.Generic;
using System.Threading;
using DreamTrainer.Contract;
using DreamTrainer.Generators.Callbacks;
using DreamTrainer.Generators.Helpers;
using DreamTrainer.Generators.Models;
using Microsoft.CodeAnalysis;

namespace DreamTrainer.Generators.Pipelines;

/// <summary>
/// Reads a <c>[CallbackPipeline]</c> class: its callback members — a pipeline member declared in this
/// compilation replaced by its own members, so each keeps its priorities — and for each hook the
/// callbacks implementing it sorted by priority (higher first), then declaration order.
/// </summary>
internal static class PipelineParser
{
    /// <summary>The model of a class found through its <c>[CallbackPipeline]</c> attribute.</summary>
    public static PipelineModel? ParseFromTrigger(ISymbol trigger, Compilation compilation, CancellationToken cancellationToken) =>
        Parse(trigger as INamedTypeSymbol, compilation, cancellationToken);

    public static PipelineModel? Parse(INamedTypeSymbol? type, Compilation compilation, CancellationToken cancellationToken)
    {
        if (type is null || type.TypeKind != TypeKind.Class || type.IsStatic)
        {
            return null;
        }

        TypeScope? scope = TypeScopeParser.Parse(type, cancellationToken);
        if (scope is null)
        {
            return null;
        }

        var reader = new Reader(type, compilation, cancellationToken);
        reader.Collect(type, new List<MemberSegment>(), new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default) { type });
        if (reader.Members.Count == 0)
        {
            return null;
        }

        var pipelineHooks = new List<PipelineHook>();
        for (int ordinal = 0; ordinal < HookCatalog.All.Length; ordinal++)
        {
            List<PipelineCall> calls = reader.PerHook[ordinal] ?? new List<PipelineCall>();

            // Higher priority first; equal priorities keep declaration order (a stable sort by leaf index).
            calls.Sort(static (a, b) => a.Priority != b.Priority ? b.Priority.CompareTo(a.Priority) : a.Leaf.CompareTo(b.Leaf));
            pipelineHooks.Add(new PipelineHook(ordinal, calls.ToEquatableArray()));
        }

        return new PipelineModel(scope, reader.Members.ToEquatableArray(), reader.Leaves.ToEquatableArray(), pipelineHooks.ToEquatableArray());
    }

    /// <summary>
    /// The hooks and priorities of a callback type: from <c>[GeneratedCallback]</c> when it comes
    /// compiled from another assembly (a pipeline compiled there too), else from its hook methods in
    /// this compilation. Null when the type is not a generated callback.
    /// </summary>
    public static (bool[] Mask, int[] Priorities, bool Isolated)? ReadCallbackHooks(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
    {
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass is not null
                && HookBinder.MetadataName(attribute.AttributeClass) == HookCatalog.GeneratedCallbackAttributeMetadataName
                && attribute.ConstructorArguments.Length == 1
                && attribute.ConstructorArguments[0].Value is int maskValue)
            {
                var mask = new bool[HookCatalog.All.Length];
                var priorities = new int[HookCatalog.All.Length];
                bool isolated = false;
                foreach (HookDefinition hook in HookCatalog.All)
                {
                    mask[hook.Ordinal] = (maskValue & (1 << hook.Ordinal)) != 0;
                }

                foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
                {
                    if (argument.Key == "OnError" && argument.Value.Value is int policy)
                    {
                        isolated = policy == 1;
                    }

                    foreach (HookDefinition hook in HookCatalog.All)
                    {
                        if (argument.Key == hook.Name + "Priority" && argument.Value.Value is int priority)
                        {
                            priorities[hook.Ordinal] = priority;
                        }
                    }
                }

                return (mask, priorities, isolated);
            }
        }

        if (type.DeclaringSyntaxReferences.Length == 0 || CallbackParser.Parse(type, compilation, cancellationToken) is not { } model)
        {
            return null;
        }

        var sourceMask = new bool[HookCatalog.All.Length];
        var sourcePriorities = new int[HookCatalog.All.Length];
        foreach (HookModel hook in model.Hooks)
        {
            sourceMask[hook.Ordinal] = true;
            sourcePriorities[hook.Ordinal] = hook.Priority;
        }

        return (sourceMask, sourcePriorities, model.ErrorPolicy == 1);
    }

    /// <summary>Walks a pipeline and the pipelines nested in it, collecting the callbacks it calls.</summary>
    private sealed class Reader
    {
        private readonly INamedTypeSymbol _pipeline;
        private readonly Compilation _compilation;
        private readonly CancellationToken _cancellationToken;

        public Reader(INamedTypeSymbol pipeline, Compilation compilation, CancellationToken cancellationToken)
        {
            _pipeline = pipeline;
            _compilation = compilation;
            _cancellationToken = cancellationToken;
        }

        public List<PipelineMember> Members { get; } = new();

        public List<PipelineLeaf> Leaves { get; } = new();

        public List<PipelineCall>?[] PerHook { get; } = new List<PipelineCall>?[HookCatalog.All.Length];

        /// <summary>
        /// Adds the callbacks of <paramref name="container"/> under <paramref name="path"/>. A nested
        /// member the pipeline cannot access, or a pipeline already on the path (a cycle), is skipped:
        /// the analyzers report both (DT0105).
        /// </summary>
        public void Collect(INamedTypeSymbol container, List<MemberSegment> path, HashSet<INamedTypeSymbol> onPath)
        {
            bool top = path.Count == 0;
            foreach ((ISymbol member, ITypeSymbol memberType) in PipelineMembers.Candidates(container))
            {
                _cancellationToken.ThrowIfCancellationRequested();
                if (memberType is not INamedTypeSymbol namedType || (!top && !_compilation.IsSymbolAccessibleWithin(member, _pipeline)))
                {
                    continue;
                }

                var segment = new MemberSegment(member.Name, memberType.NullableAnnotation == NullableAnnotation.Annotated);
                var memberPath = new List<MemberSegment>(path) { segment };
                if (PipelineMembers.IsSourcePipeline(namedType))
                {
                    if (onPath.Add(namedType))
                    {
                        int before = Leaves.Count;
                        Collect(namedType, memberPath, onPath);
                        onPath.Remove(namedType);
                        if (top && Leaves.Count > before)
                        {
                            Members.Add(new PipelineMember(member.Name, segment.IsOptional, IsGroup: true));
                        }
                    }

                    continue;
                }

                if (ReadCallbackHooks(namedType, _compilation, _cancellationToken) is not { } hooks)
                {
                    continue;
                }

                bool isGroup = PipelineMembers.IsPipeline(namedType);
                int leaf = Leaves.Count;
                Leaves.Add(new PipelineLeaf(memberPath.ToEquatableArray(), isGroup));
                if (top)
                {
                    Members.Add(new PipelineMember(member.Name, segment.IsOptional, isGroup));
                }

                for (int ordinal = 0; ordinal < hooks.Mask.Length; ordinal++)
                {
                    if (hooks.Mask[ordinal])
                    {
                        (PerHook[ordinal] ??= new List<PipelineCall>()).Add(new PipelineCall(leaf, hooks.Priorities[ordinal], hooks.Isolated));
                    }
                }
            }
        }
    }
}
