// How a hook method's parameters bind to what a hook offers. Linked into the generator and the
// analyzers, so the generator skips exactly the methods the analyzers report.

using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace DreamTrainer.Contract
{
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

    /// <summary>The binding rules: the context by type; integers by name; everything else by type.</summary>
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
        public static string[]? Bind(IMethodSymbol method, HookDefinition hook, out BindFailure? failure)
        {
            failure = null;
            var arguments = new string[method.Parameters.Length];
            for (int i = 0; i < method.Parameters.Length; i++)
            {
                IParameterSymbol parameter = method.Parameters[i];
                string? argument = BindOne(parameter, hook);
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

            return string.Join(", ", parts);
        }

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
