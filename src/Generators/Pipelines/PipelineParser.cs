using System.Collections.Generic;
using System.Threading;
using DreamTrainer.Contract;
using DreamTrainer.Generators.Callbacks;
using DreamTrainer.Generators.Helpers;
using DreamTrainer.Generators.Models;
using Microsoft.CodeAnalysis;

namespace DreamTrainer.Generators.Pipelines;

/// <summary>
/// Reads a <c>[CallbackPipeline]</c> class: its callback members, and for each hook the members
/// implementing it sorted by priority (higher first), then declaration order.
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

        var members = new List<PipelineMember>();
        var perHook = new List<(int Priority, int Order, PipelineMember Member, bool Isolated)>[HookCatalog.All.Length];
        foreach (ISymbol member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            ITypeSymbol? memberType = member switch
            {
                IFieldSymbol { IsStatic: false, IsImplicitlyDeclared: false } field => field.Type,
                IPropertySymbol { IsStatic: false, IsIndexer: false, GetMethod: not null } property => property.Type,
                _ => null,
            };
            if (memberType is not INamedTypeSymbol namedType || ReadCallbackHooks(namedType, compilation, cancellationToken) is not { } hooks)
            {
                continue;
            }

            int order = members.Count;
            var pipelineMember = new PipelineMember(member.Name, memberType.NullableAnnotation == NullableAnnotation.Annotated);
            members.Add(pipelineMember);
            for (int ordinal = 0; ordinal < hooks.Mask.Length; ordinal++)
            {
                if (hooks.Mask[ordinal])
                {
                    (perHook[ordinal] ??= new List<(int, int, PipelineMember, bool)>()).Add((hooks.Priorities[ordinal], order, pipelineMember, hooks.Isolated));
                }
            }
        }

        if (members.Count == 0)
        {
            return null;
        }

        var pipelineHooks = new List<PipelineHook>();
        for (int ordinal = 0; ordinal < perHook.Length; ordinal++)
        {
            var calls = perHook[ordinal] ?? new List<(int Priority, int Order, PipelineMember Member, bool Isolated)>();
            calls.Sort(static (a, b) => a.Priority != b.Priority ? b.Priority.CompareTo(a.Priority) : a.Order.CompareTo(b.Order));
            var ordered = new List<PipelineCall>();
            foreach ((int priority, int order, PipelineMember member, bool isolated) in calls)
            {
                ordered.Add(new PipelineCall(member.Name, priority, member.IsOptional, isolated, order));
            }

            pipelineHooks.Add(new PipelineHook(ordinal, ordered.ToEquatableArray()));
        }

        return new PipelineModel(scope, members.ToEquatableArray(), pipelineHooks.ToEquatableArray());
    }

    /// <summary>
    /// The hooks and priorities of a callback type: from <c>[GeneratedCallback]</c> when it comes
    /// compiled from another assembly, else from its hook methods in this compilation. Null when
    /// the type is not a generated callback.
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
}
