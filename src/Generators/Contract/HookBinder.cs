// How a hook method's parameters bind to what a hook offers. Linked into the generator and the
// analyzers, so the generator skips exactly the methods the analyzers report.

using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace DreamTrainer.Contract
{
    /// <summary>Whether a base class's hook method is hidden from the callback's generated code (<see cref="HookBinder.Hiding"/>).</summary>
    internal enum HookHiding
    {
        /// <summary>Called by its name.</summary>
        None,

        /// <summary>The callback's own class declares the hiding member: called through <c>base</c>.</summary>
        InCallback,

        /// <summary>A class between declares it: called through a cast to the declaring class, where that is allowed.</summary>
        Between,
    }

    /// <summary>Why a hook method cannot be called as the catalogue requires.</summary>
    internal enum HookShapeProblem
    {
        None,
        Static,
        Generic,
        Async,
        ReturnsValue,
        Abstract,
    }

    /// <summary>A parameter that does not bind.</summary>
    internal sealed class BindFailure
    {
        public BindFailure(IParameterSymbol parameter, string offered)
        {
            Parameter = parameter;
            Offered = offered;
        }

        public IParameterSymbol Parameter { get; }

        /// <summary>What the hook offers, as a C# parameter list, e.g. <c>TrainerContext context, int epoch</c>.</summary>
        public string Offered { get; }
    }

    /// <summary>
    /// A parameter bound to a typed slot (batch, outputs, model, optimizer): the generated code lists
    /// it so the trainer can check the type when Fit starts.
    /// </summary>
    internal sealed class SlotBinding
    {
        public SlotBinding(TypedSlot slot, string typeOfDisplay, bool allowsNull)
        {
            Slot = slot;
            TypeOfDisplay = typeOfDisplay;
            AllowsNull = allowsNull;
        }

        public TypedSlot Slot { get; }

        /// <summary>The parameter's type as <c>typeof</c> takes it (no nullable-reference annotation).</summary>
        public string TypeOfDisplay { get; }

        /// <summary>True when the parameter is declared nullable.</summary>
        public bool AllowsNull { get; }
    }

    /// <summary>
    /// The binding rules: the context by type; integers by name; the other catalogue parameters by
    /// type; and, by name, the typed slots (<c>batch</c>, <c>outputs</c>, <c>model</c>, <c>optimizer</c>)
    /// with whatever type the method declares.
    /// </summary>
    internal static class HookBinder
    {
        /// <summary>The first reason the method cannot be a hook, or <see cref="HookShapeProblem.None"/>.</summary>
        public static HookShapeProblem CheckShape(IMethodSymbol method)
        {
            if (method.IsStatic)
            {
                return HookShapeProblem.Static;
            }

            if (method.IsGenericMethod)
            {
                return HookShapeProblem.Generic;
            }

            if (method.IsAsync)
            {
                return HookShapeProblem.Async;
            }

            if (!method.ReturnsVoid)
            {
                return HookShapeProblem.ReturnsValue;
            }

            if (method.IsAbstract)
            {
                return HookShapeProblem.Abstract;
            }

            return HookShapeProblem.None;
        }

        /// <summary>
        /// Binds each parameter of <paramref name="method"/> to an argument expression of the
        /// generated ICallback method (<c>context</c>, <c>in output</c>, <c>epoch</c>, …).
        /// </summary>
        /// <returns>The argument expressions, or null with <paramref name="failure"/> set.</returns>
        public static string[]? Bind(IMethodSymbol method, HookDefinition hook, out BindFailure? failure) => Bind(method, hook, null, out failure);

        /// <summary>As <see cref="Bind(IMethodSymbol, HookDefinition, out BindFailure?)"/>, also collecting the typed-slot bindings.</summary>
        public static string[]? Bind(IMethodSymbol method, HookDefinition hook, List<SlotBinding>? slots, out BindFailure? failure)
        {
            failure = null;
            var arguments = new string[method.Parameters.Length];
            for (int i = 0; i < method.Parameters.Length; i++)
            {
                IParameterSymbol parameter = method.Parameters[i];
                string? argument = BindOne(parameter, hook) ?? BindSlot(parameter, hook, slots);
                if (argument is null)
                {
                    failure = new BindFailure(parameter, DescribeOffered(hook));
                    return null;
                }

                arguments[i] = argument;
            }

            return arguments;
        }

        /// <summary>What <paramref name="hook"/> offers, as a parameter list.</summary>
        public static string DescribeOffered(HookDefinition hook)
        {
            var parts = new List<string> { "TrainerContext context" };
            foreach (HookParameter parameter in hook.Parameters)
            {
                string type = parameter.TypeDisplay.StartsWith("global::", StringComparison.Ordinal)
                    ? parameter.TypeDisplay.Substring(parameter.TypeDisplay.LastIndexOf('.') + 1)
                    : parameter.TypeDisplay;
                parts.Add((parameter.IsIn ? "in " : string.Empty) + type + " " + parameter.Name);
            }

            foreach (TypedSlot slot in hook.Slots)
            {
                parts.Add(slot.TypeDescription + " " + slot.Name);
            }

            return string.Join(", ", parts);
        }

        /// <summary>The typed slot <paramref name="parameter"/> names, if its type can hold it; its argument expression.</summary>
        private static string? BindSlot(IParameterSymbol parameter, HookDefinition hook, List<SlotBinding>? slots)
        {
            if (parameter.RefKind == RefKind.Ref || parameter.RefKind == RefKind.Out || parameter.IsParams || parameter.IsOptional || !CanHoldSlot(parameter.Type))
            {
                return null;
            }

            foreach (TypedSlot slot in hook.Slots)
            {
                if (!string.Equals(slot.Name, parameter.Name, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                ITypeSymbol type = parameter.Type;
                bool annotated = type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.Annotated;
                bool allowsNull = annotated || type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;
                string typeOf = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                string cast = typeOf + (annotated ? "?" : string.Empty);
                string suppress = allowsNull ? string.Empty : "!";
                slots?.Add(new SlotBinding(slot, typeOf, allowsNull));
                return slot.Value switch
                {
                    "Batch" => (parameter.RefKind == RefKind.None ? string.Empty : "in ")
                        + $"((global::DreamTrainer.BatchSlot<{typeOf}>){HookCatalog.ContextParameterName}.BatchSlot!).Current",
                    "Outputs" => $"({cast}){HookCatalog.OutputParameterName}.Outputs{suppress}",
                    _ => $"({cast}){HookCatalog.ContextParameterName}.{slot.Value}{suppress}",
                };
            }

            return null;
        }

        /// <summary>False for types a slot cannot hold: pointers, ref structs, <c>dynamic</c>, unresolved types.</summary>
        private static bool CanHoldSlot(ITypeSymbol type) =>
            type.TypeKind != TypeKind.Error
            && type.TypeKind != TypeKind.Pointer
            && type.TypeKind != TypeKind.FunctionPointer
            && type.TypeKind != TypeKind.Dynamic
            && !type.IsRefLikeType
            && type.SpecialType != SpecialType.System_Void;

        private static string? BindOne(IParameterSymbol parameter, HookDefinition hook)
        {
            if (parameter.RefKind == RefKind.Ref || parameter.RefKind == RefKind.Out || parameter.IsParams || parameter.IsOptional)
            {
                return null;
            }

            string typeName = MetadataName(parameter.Type);
            if (typeName == HookCatalog.ContextMetadataName)
            {
                return parameter.RefKind == RefKind.None ? HookCatalog.ContextParameterName : null;
            }

            foreach (HookParameter offered in hook.Parameters)
            {
                if (offered.TypeMetadataName != typeName)
                {
                    continue;
                }

                if (offered.BindsByName && !string.Equals(offered.Name, parameter.Name, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (parameter.RefKind == RefKind.In)
                {
                    return offered.IsIn ? "in " + offered.Name : null;
                }

                return offered.Name;
            }

            return null;
        }

        /// <summary>The method an override overrides, through every level: one hook method however often it is overridden.</summary>
        public static IMethodSymbol OverriddenRoot(IMethodSymbol method)
        {
            IMethodSymbol root = method.OriginalDefinition;
            while (root.OverriddenMethod is { } overridden)
            {
                root = overridden.OriginalDefinition;
            }

            return root;
        }

        /// <summary>
        /// Whether a class after <paramref name="declaring"/> in <paramref name="chain"/> (base first,
        /// ending with the callback) declares a member named like <paramref name="method"/> that does
        /// not override it — a <c>new</c> method, an overload, a property — which a call by the plain
        /// name from the callback's generated code would reach instead.
        /// </summary>
        public static HookHiding Hiding(IMethodSymbol method, INamedTypeSymbol declaring, IReadOnlyList<INamedTypeSymbol> chain)
        {
            HookHiding hiding = HookHiding.None;
            IMethodSymbol root = OverriddenRoot(method);
            int start = -1;
            for (int index = 0; index < chain.Count; index++)
            {
                if (SymbolEqualityComparer.Default.Equals(chain[index], declaring))
                {
                    start = index;
                }
            }

            for (int index = start + 1; start >= 0 && index < chain.Count; index++)
            {
                foreach (ISymbol member in chain[index].GetMembers(method.Name))
                {
                    if (member is IMethodSymbol candidate && SymbolEqualityComparer.Default.Equals(OverriddenRoot(candidate), root))
                    {
                        continue;
                    }

                    if (index < chain.Count - 1)
                    {
                        return HookHiding.Between;
                    }

                    hiding = HookHiding.InCallback;
                }
            }

            return hiding;
        }

        /// <summary>
        /// The hook ordinals a class's <c>[GeneratedCallback(mask)]</c> lists: what a callback compiled
        /// elsewhere handles, private hook methods and state included, which its metadata does not show.
        /// </summary>
        public static IEnumerable<int> GeneratedHookOrdinals(INamedTypeSymbol type)
        {
            foreach (AttributeData attribute in type.GetAttributes())
            {
                if (attribute.AttributeClass is null
                    || MetadataName(attribute.AttributeClass) != HookCatalog.GeneratedCallbackAttributeMetadataName
                    || attribute.ConstructorArguments.Length != 1
                    || attribute.ConstructorArguments[0].Value is not { } value)
                {
                    continue;
                }

                long bits = Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
                for (int ordinal = 0; ordinal < HookCatalog.All.Length && ordinal < 63; ordinal++)
                {
                    if ((bits & (1L << ordinal)) != 0)
                    {
                        yield return ordinal;
                    }
                }
            }
        }

        /// <summary>The namespace-qualified metadata name, e.g. <c>System.Int32</c>.</summary>
        public static string MetadataName(ITypeSymbol type)
        {
            if (type is IArrayTypeSymbol || type is IPointerTypeSymbol || type.TypeKind == TypeKind.TypeParameter)
            {
                return type.ToDisplayString();
            }

            string name = type.MetadataName;
            for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                name = outer.MetadataName + "+" + name;
            }

            INamespaceSymbol? ns = type.ContainingNamespace;
            return ns is null || ns.IsGlobalNamespace ? name : ns.ToDisplayString() + "." + name;
        }
    }
}
