using System.Collections.Generic;
using DreamTrainer.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;

namespace DreamTrainer.Analyzers.Rules;

/// <summary>
/// What one callback class knows about where trainer state flows inside it (DT0201's data flow):
/// members that hold it (a field caching <c>context.Model</c>, a field set from a constructor's model
/// parameter), parameters that receive it (a private helper called with the model), and the types
/// the class converts trainer values to (<c>(Net)context.Model</c>). Facts only grow, and there are
/// finitely many members, parameters and types, so the rounds that collect them end.
/// </summary>
internal sealed class TrainerStateFacts
{
    private readonly HashSet<ISymbol> _members = new(SymbolEqualityComparer.Default);
    private readonly HashSet<IParameterSymbol> _parameters = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ITypeSymbol> _convertedTo = new(SymbolEqualityComparer.Default);
    private readonly KnownSymbols _known;

    public TrainerStateFacts(INamedTypeSymbol type, KnownSymbols known)
    {
        Type = type;
        _known = known;
    }

    /// <summary>The class the facts are about.</summary>
    public INamedTypeSymbol Type { get; }

    /// <summary>Set when a round learned something; the caller clears it before the next round.</summary>
    public bool Changed { get; set; }

    public bool IsStateMember(ISymbol member) => _members.Contains(member.OriginalDefinition);

    public void AddMember(ISymbol member) => Changed |= _members.Add(member.OriginalDefinition);

    public void AddParameter(IParameterSymbol parameter) => Changed |= _parameters.Add(parameter.OriginalDefinition);

    public void AddConversion(ITypeSymbol type)
    {
        // Conversions to object, string, numbers or framework types say nothing about the model.
        if (type is INamedTypeSymbol { SpecialType: SpecialType.None, TypeKind: TypeKind.Class or TypeKind.Interface } named
            && named.ContainingNamespace?.ToDisplayString() is { } ns && ns != "System" && !ns.StartsWith("System.", System.StringComparison.Ordinal)
            && ns != Contract.HookCatalog.Namespace)
        {
            Changed |= _convertedTo.Add(named.OriginalDefinition);
        }
    }

    /// <summary>
    /// True for a parameter that holds trainer state: one a call inside the class passed trainer
    /// state to, a constructor or hook parameter whose type is a model type, or a hook parameter
    /// bound to the model or the optimizer (<c>MyNet model</c>, <c>Sgd optimizer</c>).
    /// </summary>
    public bool IsStateParameter(IParameterSymbol parameter)
    {
        if (_parameters.Contains(parameter.OriginalDefinition))
        {
            return true;
        }

        if (parameter.ContainingSymbol is not IMethodSymbol method
            || !(method.MethodKind == MethodKind.Constructor || IsHook(method)))
        {
            return false;
        }

        return IsModelType(parameter.Type) || IsBoundModelOrOptimizer(parameter, method);
    }

    private bool IsBoundModelOrOptimizer(IParameterSymbol parameter, IMethodSymbol method)
    {
        foreach ((Contract.HookDefinition hook, AttributeData _) in _known.HooksOf(method))
        {
            var slots = new List<Contract.SlotBinding>();
            if (Contract.HookBinder.Bind(method, hook, slots, out _) is null)
            {
                continue;
            }

            foreach (Contract.SlotBinding slot in slots)
            {
                if ((slot.Slot == Contract.HookCatalog.Model || slot.Slot == Contract.HookCatalog.Optimizer)
                    && string.Equals(slot.Slot.Name, parameter.Name, System.StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private bool IsHook(IMethodSymbol method)
    {
        foreach (var _ in _known.HooksOf(method))
        {
            return true;
        }

        return false;
    }

    private bool IsModelType(ITypeSymbol type)
    {
        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (IsModelTypeItself(current))
            {
                return true;
            }
        }

        foreach (INamedTypeSymbol implemented in type.AllInterfaces)
        {
            if (IsModelTypeItself(implemented))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsModelTypeItself(ITypeSymbol type)
    {
        ITypeSymbol definition = type.OriginalDefinition;
        if (_convertedTo.Contains(definition))
        {
            return true;
        }

        foreach (INamedTypeSymbol model in _known.ModelTypes)
        {
            if (SymbolEqualityComparer.Default.Equals(definition, model))
            {
                return true;
            }
        }

        return false;
    }
}
