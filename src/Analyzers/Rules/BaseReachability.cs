using System.Collections.Generic;
using System.Linq;
using DreamTrainer.Analyzers.Diagnostics;
using DreamTrainer.Contract;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DreamTrainer.Analyzers.Rules;

/// <summary>
/// Part of DT0103/DT0106: a derived callback's generated code replaces its base's for each hook it
/// handles, and calls the base's hook methods and writes the base's state itself — but it cannot
/// reach a base's private member. Where the derived class's code handles a hook (or saves state)
/// that a private base member also handles (or holds), that member would silently not run (or not
/// be saved). Where only private base members handle it, the base's own generated code serves and
/// nothing is lost, so nothing is reported. A base compiled elsewhere shows no private members; its
/// <c>[GeneratedCallback]</c> hooks without a visible handler stand for them.
/// </summary>
internal static class BaseReachability
{
    public static void Report(SymbolAnalysisContext context, INamedTypeSymbol type, KnownSymbols known)
    {
        Compilation compilation = context.Compilation;
        var chain = new List<INamedTypeSymbol>();
        for (INamedTypeSymbol? current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            chain.Insert(0, current);
        }

        var reachable = new Dictionary<int, IMethodSymbol>();
        var unreachable = new Dictionary<int, (string Member, INamedTypeSymbol Base)>();
        ISymbol? reachableState = null;
        (string Member, INamedTypeSymbol Base)? unreachableState = null;
        for (INamedTypeSymbol? current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            bool own = SymbolEqualityComparer.Default.Equals(current, type);
            var visibleHooks = new HashSet<int>();
            bool visibleState = false;
            foreach (ISymbol member in current.GetMembers())
            {
                bool canReach = own || compilation.IsSymbolAccessibleWithin(member, type);
                if (member is IMethodSymbol method)
                {
                    foreach ((HookDefinition hook, AttributeData _) in known.HooksOf(method))
                    {
                        visibleHooks.Add(hook.Ordinal);
                        if (canReach && !own && FirstHookDeclaration(method, hook, known)
                            && HookBinder.Hiding(method, current, chain) == HookHiding.Between
                            && !compilation.IsSymbolAccessibleWithin(method, type, throughType: current))
                        {
                            context.ReportDiagnostic(Diagnostic.Create(
                                known.Links.For(DiagnosticDescriptors.InvalidHookMethod),
                                type.Locations.FirstOrDefault() ?? Location.None,
                                method.Name,
                                hook.MethodName,
                                $"a member of the same name in a class between '{current.Name}' and '{type.Name}' hides it, and being protected it cannot be called through '{current.Name}' from the code generated for '{type.Name}', so it would never run; rename one of them"));
                        }

                        if (canReach)
                        {
                            // The callback's own class comes first: its handler is the one named.
                            if (!reachable.ContainsKey(hook.Ordinal))
                            {
                                reachable[hook.Ordinal] = method;
                            }
                        }
                        else if (!unreachable.ContainsKey(hook.Ordinal))
                        {
                            unreachable[hook.Ordinal] = (method.Name, current);
                        }
                    }
                }
                else if (!member.IsStatic && known.Has(member, known.CallbackState))
                {
                    visibleState = true;
                    if (canReach)
                    {
                        reachableState ??= member;
                    }
                    else
                    {
                        unreachableState ??= (member.Name, current);
                    }
                }
            }

            if (!own && current.DeclaringSyntaxReferences.IsEmpty)
            {
                foreach (int ordinal in HookBinder.GeneratedHookOrdinals(current))
                {
                    bool isState = ordinal == HookCatalog.SaveStateOrdinal || ordinal == HookCatalog.LoadStateOrdinal;
                    if (isState && !visibleState && !visibleHooks.Contains(ordinal))
                    {
                        unreachableState ??= ("a private state member", current);
                    }
                    else if (!isState && !visibleHooks.Contains(ordinal) && !unreachable.ContainsKey(ordinal))
                    {
                        unreachable[ordinal] = ("a private method", current);
                    }
                }
            }
        }

        Location fallback = type.Locations.FirstOrDefault() ?? Location.None;
        foreach (KeyValuePair<int, (string Member, INamedTypeSymbol Base)> lost in unreachable)
        {
            if (!reachable.TryGetValue(lost.Key, out IMethodSymbol? handler))
            {
                continue;
            }

            string hook = HookCatalog.All[lost.Key].MethodName;
            Location location = SymbolEqualityComparer.Default.Equals(handler.ContainingType, type) ? handler.Locations.FirstOrDefault() ?? fallback : fallback;
            context.ReportDiagnostic(Diagnostic.Create(
                known.Links.For(DiagnosticDescriptors.InvalidHookMethod),
                location,
                lost.Value.Member,
                hook,
                $"it is private in the base class '{lost.Value.Base.Name}', and '{type.Name}' also handles {hook} ('{handler.Name}'), so the {hook} generated for '{type.Name}' cannot call it and it would never run; make it protected"));
        }

        bool savesState = reachableState is not null
            || reachable.ContainsKey(HookCatalog.SaveStateOrdinal)
            || reachable.ContainsKey(HookCatalog.LoadStateOrdinal);
        if (unreachableState is { } missing && savesState)
        {
            ISymbol? anchor = reachableState is not null && SymbolEqualityComparer.Default.Equals(reachableState.ContainingType, type) ? reachableState : null;
            context.ReportDiagnostic(Diagnostic.Create(
                known.Links.For(DiagnosticDescriptors.UnsupportedStateMember),
                anchor?.Locations.FirstOrDefault() ?? fallback,
                missing.Member,
                $"is private in the base class '{missing.Base.Name}', and '{type.Name}' saves state of its own, so the OnSaveState generated for '{type.Name}' cannot write it; make it protected"));
        }
    }

    /// <summary>True unless a method this one overrides is already a hook method for <paramref name="hook"/> (that one is called).</summary>
    private static bool FirstHookDeclaration(IMethodSymbol method, HookDefinition hook, KnownSymbols known)
    {
        for (IMethodSymbol? overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
        {
            if (known.HooksOf(overridden).Any(found => found.Hook.Ordinal == hook.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
