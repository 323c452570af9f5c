using System.Collections.Generic;
using System.Linq;
using System.Threading;
using DreamTrainer.Contract;
using DreamTrainer.Generators.Helpers;
using DreamTrainer.Generators.Models;
using Microsoft.CodeAnalysis;

namespace DreamTrainer.Generators.Callbacks;

/// <summary>
/// Turns a partial class with hook methods into a <see cref="CallbackModel"/>. It never throws on
/// malformed code and never reports: what it cannot bind it skips, and the analyzers report it.
/// </summary>
internal static class CallbackParser
{
    /// <summary>
    /// The model of the class that declares <paramref name="trigger"/>, built only when the trigger is
    /// the class's first one (its first hook method, else its first state member, else the class):
    /// a class is found once per hook attribute and state member, and one model is enough.
    /// </summary>
    public static CallbackModel? ParseFromTrigger(ISymbol trigger, Compilation compilation, CancellationToken cancellationToken)
    {
        INamedTypeSymbol? type = trigger as INamedTypeSymbol ?? trigger.ContainingType;
        if (type is null || !IsFirstTrigger(trigger, type, cancellationToken))
        {
            return null;
        }

        return Parse(type, compilation, cancellationToken);
    }

    private static bool IsFirstTrigger(ISymbol trigger, INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        ISymbol? firstState = null;
        foreach (ISymbol member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (AttributeData attribute in member.GetAttributes())
            {
                if (attribute.AttributeClass is not { ContainingNamespace.Name: HookCatalog.Namespace } attributeClass)
                {
                    continue;
                }

                string name = HookBinder.MetadataName(attributeClass);
                if (member is IMethodSymbol && HookCatalog.FindByAttribute(name) is not null)
                {
                    return SymbolEqualityComparer.Default.Equals(member, trigger);
                }

                if (firstState is null && name == HookCatalog.CallbackStateAttributeMetadataName)
                {
                    firstState = member;
                }
            }
        }

        return SymbolEqualityComparer.Default.Equals(firstState ?? type, trigger);
    }

    /// <summary>The model of <paramref name="type"/>, or null when it cannot be a generated callback.</summary>
    public static CallbackModel? Parse(INamedTypeSymbol? type, Compilation compilation, CancellationToken cancellationToken)
    {
        // A pipeline is a group, not a callback of its own: its hook methods are reported (DT0103).
        if (type is null || type.TypeKind != TypeKind.Class || type.IsStatic || type.IsImplicitlyDeclared || PipelineMembers.IsPipeline(type))
        {
            return null;
        }

        TypeScope? scope = TypeScopeParser.Parse(type, cancellationToken);
        if (scope is null)
        {
            return null;
        }

        bool attributed = ReadClassDefaults(type, out int classPriority, out int errorPolicy, out int ranks, out string? stateKey);
        var hooks = new List<HookModel>();
        var mask = new bool[HookCatalog.All.Length];
        var calls = new List<HookCall>[HookCatalog.All.Length];
        var explicitPriority = new int?[HookCatalog.All.Length];
        var called = new HashSet<IMethodSymbol>?[HookCatalog.All.Length];
        var bindings = new List<BindingModel>();
        var slots = new List<SlotBinding>();

        // Base classes first, so a base's hook methods run before the derived class's. The chain
        // ends: the compiler breaks inheritance cycles (CS0146) with an error type.
        var chain = new List<INamedTypeSymbol>();
        for (INamedTypeSymbol? current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            cancellationToken.ThrowIfCancellationRequested();
            chain.Insert(0, current);
        }

        foreach (INamedTypeSymbol declaring in chain)
        {
            foreach (ISymbol member in declaring.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member is not IMethodSymbol method || method.MethodKind != MethodKind.Ordinary)
                {
                    continue;
                }

                foreach (AttributeData attribute in method.GetAttributes())
                {
                    HookDefinition? hook = attribute.AttributeClass is { } attributeClass
                        ? HookCatalog.FindByAttribute(HookBinder.MetadataName(attributeClass))
                        : null;
                    if (hook is null || HookBinder.CheckShape(method) != HookShapeProblem.None || IsDuplicateDefinition(method))
                    {
                        continue;
                    }

                    slots.Clear();
                    string[]? arguments = HookBinder.Bind(method, hook, slots, out _);
                    if (arguments is null)
                    {
                        continue;
                    }

                    foreach (SlotBinding slot in slots)
                    {
                        bindings.Add(new BindingModel(hook.Ordinal, slot.Slot.Value, slot.TypeOfDisplay, method.Name, slot.AllowsNull));
                    }

                    mask[hook.Ordinal] = true;
                    if (ReadPriority(attribute) is { } priority)
                    {
                        explicitPriority[hook.Ordinal] = explicitPriority[hook.Ordinal] is { } existing && existing > priority ? existing : priority;
                    }

                    // An override of a hook method already called is not called again: the call dispatches to it.
                    if (!(called[hook.Ordinal] ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default)).Add(HookBinder.OverriddenRoot(method)))
                    {
                        continue;
                    }

                    bool accessible = SymbolEqualityComparer.Default.Equals(declaring, type)
                        || compilation.IsSymbolAccessibleWithin(method, type);
                    if (accessible && Receiver(method, declaring, type, chain, compilation) is { } receiver)
                    {
                        (calls[hook.Ordinal] ??= new List<HookCall>()).Add(new HookCall(method.Name, arguments.ToEquatableArray(), receiver.Length == 0 ? null : receiver));
                    }
                }
            }
        }

        // A base compiled elsewhere shows no private members, but its generated attribute lists its hooks.
        foreach (INamedTypeSymbol declaring in chain)
        {
            if (!SymbolEqualityComparer.Default.Equals(declaring, type) && declaring.DeclaringSyntaxReferences.IsEmpty)
            {
                foreach (int ordinal in HookBinder.GeneratedHookOrdinals(declaring))
                {
                    mask[ordinal] = true;
                }
            }
        }

        List<StateMemberModel> state = StateMemberParser.Parse(chain, type, compilation, out bool baseOnlyState, cancellationToken);
        if (state.Count > 0 || baseOnlyState)
        {
            mask[HookCatalog.SaveStateOrdinal] = true;
            mask[HookCatalog.LoadStateOrdinal] = true;
        }

        for (int ordinal = 0; ordinal < mask.Length; ordinal++)
        {
            if (!mask[ordinal])
            {
                continue;
            }

            List<HookCall> hookCalls = calls[ordinal] ?? new List<HookCall>();
            bool isState = ordinal == HookCatalog.SaveStateOrdinal || ordinal == HookCatalog.LoadStateOrdinal;
            bool emit = hookCalls.Count > 0 || (isState && state.Count > 0);
            hooks.Add(new HookModel(ordinal, explicitPriority[ordinal] ?? classPriority, hookCalls.ToEquatableArray(), emit));
        }

        // [Callback] alone makes a callback (generator.md), one that runs no hook yet: without its
        // ICallback part, adding it to a CallbackCollection would fail with a cast error.
        if (hooks.Count == 0 && !attributed)
        {
            return null;
        }

        string stateKeyExpression = HasStateKeyProperty(chain, type, compilation)
            ? "this.StateKey"
            : Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(stateKey ?? scope.FullName, quote: true);
        return new CallbackModel(scope, classPriority, errorPolicy, ranks == 1, stateKeyExpression, hooks.ToEquatableArray(), state.ToEquatableArray(), bindings.ToEquatableArray());
    }

    /// <summary>
    /// How <paramref name="type"/>'s generated code calls <paramref name="method"/>, declared in
    /// <paramref name="declaring"/>: by name (empty); through <c>base</c> when a member of
    /// <paramref name="type"/> hides it; through a cast to <paramref name="declaring"/> when a class in
    /// between hides it; null when that cast may not be written (a protected method: CS1540), so
    /// nothing is called (DT0103 reports it).
    /// </summary>
    private static string? Receiver(IMethodSymbol method, INamedTypeSymbol declaring, INamedTypeSymbol type, List<INamedTypeSymbol> chain, Compilation compilation) =>
        HookBinder.Hiding(method, declaring, chain) switch
        {
            HookHiding.None => string.Empty,
            HookHiding.InCallback => "base",
            _ => compilation.IsSymbolAccessibleWithin(method, type, throughType: declaring)
                ? $"(({declaring.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)})this)"
                : null,
        };

    /// <summary>True when the type declares another method with this signature (already a compile error; a call would be ambiguous).</summary>
    private static bool IsDuplicateDefinition(IMethodSymbol method)
    {
        foreach (ISymbol other in method.ContainingType.GetMembers(method.Name))
        {
            if (other is IMethodSymbol candidate
                && !SymbolEqualityComparer.Default.Equals(candidate, method)
                && candidate.Parameters.Length == method.Parameters.Length
                && candidate.Parameters.Zip(method.Parameters, static (a, b) => SymbolEqualityComparer.Default.Equals(a.Type, b.Type) && a.RefKind == b.RefKind).All(static same => same))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads the class's <c>[Callback]</c> defaults; false when it has no such attribute.</summary>
    private static bool ReadClassDefaults(INamedTypeSymbol type, out int priority, out int errorPolicy, out int ranks, out string? stateKey)
    {
        bool found = false;
        priority = 0;
        errorPolicy = 0;
        ranks = 0;
        stateKey = null;
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass is null || HookBinder.MetadataName(attribute.AttributeClass) != HookCatalog.CallbackAttributeMetadataName)
            {
                continue;
            }

            found = true;
            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                if (argument.Value.Kind == TypedConstantKind.Error || argument.Value.Value is null)
                {
                    continue;
                }

                switch (argument.Key)
                {
                    case "Priority" when argument.Value.Value is int value:
                        priority = value;
                        break;
                    case "OnError" when argument.Value.Value is int value:
                        errorPolicy = value;
                        break;
                    case "Ranks" when argument.Value.Value is int value:
                        ranks = value;
                        break;
                    case "StateKey" when argument.Value.Value is string value && value.Length > 0:
                        stateKey = value;
                        break;
                }
            }
        }

        return found;
    }

    private static int? ReadPriority(AttributeData attribute)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key == "Priority" && argument.Value.Kind != TypedConstantKind.Error && argument.Value.Value is int value)
            {
                return value;
            }
        }

        return null;
    }

    private static bool HasStateKeyProperty(List<INamedTypeSymbol> chain, INamedTypeSymbol type, Compilation compilation)
    {
        foreach (INamedTypeSymbol declaring in chain)
        {
            foreach (ISymbol member in declaring.GetMembers("StateKey"))
            {
                if (member is IPropertySymbol { IsStatic: false, GetMethod: not null } property
                    && property.Type.SpecialType == SpecialType.System_String
                    && property.ExplicitInterfaceImplementations.Length == 0
                    && (SymbolEqualityComparer.Default.Equals(declaring, type) || compilation.IsSymbolAccessibleWithin(property, type)))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
