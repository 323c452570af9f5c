using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DreamTrainer.Generators.Helpers;

/// <summary>Names as generated code must spell them.</summary>
internal static class Identifiers
{
    /// <summary>
    /// <paramref name="name"/> with <c>@</c> when it is a keyword (<c>@event</c>), so a method, member,
    /// type or namespace named after one stays a name in generated code. Contextual keywords are
    /// escaped too: it is always legal, and <c>record</c> or <c>var</c> as a type name would not parse.
    /// </summary>
    public static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None
            ? "@" + name
            : name;

    /// <summary>The namespace as a <c>namespace</c> declaration spells it, each part escaped.</summary>
    public static string Namespace(INamespaceSymbol ns)
    {
        string name = Escape(ns.Name);
        for (INamespaceSymbol? outer = ns.ContainingNamespace; outer is { IsGlobalNamespace: false }; outer = outer.ContainingNamespace)
        {
            name = Escape(outer.Name) + "." + name;
        }

        return name;
    }
}
