using System.Collections.Generic;
using System.Linq;
using System.Threading;
using DreamTrainer.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DreamTrainer.Generators.Models;

/// <summary>Reads where a type lives, and whether a generated partial can be added to it.</summary>
internal static class TypeScopeParser
{
    /// <summary>
    /// The scope of <paramref name="type"/>; null when a generated partial cannot join it (the
    /// analyzers report why): it or an outer type is not partial, or is file-local, so a part in
    /// another file would be another type.
    /// </summary>
    public static TypeScope? Parse(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (!CanExtend(type, cancellationToken))
        {
            return null;
        }

        var containers = new List<TypeDeclaration>();
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (!CanExtend(outer, cancellationToken))
            {
                return null;
            }

            containers.Insert(0, Declaration(outer));
        }

        string? ns = type.ContainingNamespace is { IsGlobalNamespace: false } containing ? Identifiers.Namespace(containing) : null;
        string fullName = type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithGenericsOptions(SymbolDisplayGenericsOptions.IncludeTypeParameters));
        string metadataName = MetadataName(type);
        string stem = metadataName.Replace('`', '_').Replace('+', '.');
        return new TypeScope(ns, containers.ToEquatableArray(), Declaration(type), fullName, metadataName, stem);
    }

    private static bool CanExtend(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        !type.IsFileLocal && IsPartial(type, cancellationToken);

    /// <summary>True when every declaration of <paramref name="type"/> carries <c>partial</c>.</summary>
    public static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (type.DeclaringSyntaxReferences.Length == 0)
        {
            return false;
        }

        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration
                || !declaration.Modifiers.Any(m => m.IsKind(SyntaxKind.PartialKeyword)))
            {
                return false;
            }
        }

        return true;
    }

    private static TypeDeclaration Declaration(INamedTypeSymbol type)
    {
        string keyword = type.IsRecord
            ? (type.TypeKind == TypeKind.Struct ? "record struct" : "record")
            : type.TypeKind switch
            {
                TypeKind.Struct => "struct",
                TypeKind.Interface => "interface",
                _ => "class",
            };
        string parameters = type.TypeParameters.Length == 0
            ? string.Empty
            : "<" + string.Join(", ", type.TypeParameters.Select(p => Identifiers.Escape(p.Name))) + ">";
        return new TypeDeclaration(keyword, Identifiers.Escape(type.Name), parameters);
    }

    /// <summary>The name the runtime knows the type by: <c>Ns.Outer+Inner`1</c>.</summary>
    private static string MetadataName(INamedTypeSymbol type)
    {
        string name = type.MetadataName;
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.MetadataName + "+" + name;
        }

        for (INamespaceSymbol? ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
        {
            name = ns.Name + "." + name;
        }

        return name;
    }
}
