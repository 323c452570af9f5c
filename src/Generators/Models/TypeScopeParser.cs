using System.Collections.Generic;
using System.Linq;
using DreamTrainer.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DreamTrainer.Generators.Models;

/// <summary>Reads where a type lives, and whether a generated partial can be added to it.</summary>
internal static class TypeScopeParser
{
    /// <summary>The scope of <paramref name="type"/>; null when it or an outer type is not partial (the analyzers report it).</summary>
    public static TypeScope? Parse(INamedTypeSymbol type, string hintSuffix)
    {
        if (!IsPartial(type))
        {
            return null;
        }

        var containers = new List<TypeDeclaration>();
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (!IsPartial(outer))
            {
                return null;
            }

            containers.Insert(0, Declaration(outer));
        }

        string? ns = type.ContainingNamespace is { IsGlobalNamespace: false } containing ? containing.ToDisplayString() : null;
        string fullName = type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithGenericsOptions(SymbolDisplayGenericsOptions.IncludeTypeParameters));
        string hint = MetadataPath(type).Replace('`', '_').Replace('+', '.') + hintSuffix;
        return new TypeScope(ns, containers.ToEquatableArray(), Declaration(type), fullName, hint);
    }

    /// <summary>True when every declaration of <paramref name="type"/> carries <c>partial</c>.</summary>
    public static bool IsPartial(INamedTypeSymbol type)
    {
        if (type.DeclaringSyntaxReferences.Length == 0)
        {
            return false;
        }

        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is not TypeDeclarationSyntax declaration
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
            : "<" + string.Join(", ", type.TypeParameters.Select(p => p.Name)) + ">";
        return new TypeDeclaration(keyword, type.Name, parameters);
    }

    private static string MetadataPath(INamedTypeSymbol type)
    {
        string name = type.MetadataName;
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.MetadataName + "." + name;
        }

        return type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + name : name;
    }
}
