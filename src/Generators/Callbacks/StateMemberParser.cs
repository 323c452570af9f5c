using System.Collections.Generic;
using System.Threading;
using DreamTrainer.Contract;
using DreamTrainer.Generators.Models;
using Microsoft.CodeAnalysis;

namespace DreamTrainer.Generators.Callbacks;

/// <summary>Finds <c>[CallbackState]</c> members the generated code can write and read back.</summary>
internal static class StateMemberParser
{
    /// <summary>The state members <paramref name="type"/>'s generated code saves, base classes' first.</summary>
    /// <param name="chain">The type and its base classes, base first.</param>
    /// <param name="type">The callback.</param>
    /// <param name="compilation">For accessibility.</param>
    /// <param name="baseOnly">
    /// True when a base class has state members this type's code cannot reach (private ones): the
    /// base's generated <c>OnSaveState</c>/<c>OnLoadState</c> must then serve, so the hooks stay in the mask.
    /// </param>
    /// <param name="cancellationToken">Cancels.</param>
    public static List<StateMemberModel> Parse(List<INamedTypeSymbol> chain, INamedTypeSymbol type, Compilation compilation, out bool baseOnly, CancellationToken cancellationToken)
    {
        var members = new List<StateMemberModel>();
        baseOnly = false;
        foreach (INamedTypeSymbol declaring in chain)
        {
            foreach (ISymbol member in declaring.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member.IsStatic || member.IsImplicitlyDeclared || !HasStateAttribute(member, out string? entryName))
                {
                    continue;
                }

                bool own = SymbolEqualityComparer.Default.Equals(declaring, type);
                if (!own && !compilation.IsSymbolAccessibleWithin(member, type))
                {
                    baseOnly = true;
                    continue;
                }

                ITypeSymbol? memberType = member switch
                {
                    IFieldSymbol { IsReadOnly: false, IsConst: false } field => field.Type,
                    IPropertySymbol { GetMethod: not null, SetMethod: { IsInitOnly: false } } property => property.Type,
                    _ => null,
                };
                if (memberType is not null && StateTypes.Classify(memberType) is { } kind)
                {
                    members.Add(new StateMemberModel(member.Name, entryName ?? member.Name, kind, memberType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)));
                }
            }
        }

        return members;
    }

    private static bool HasStateAttribute(ISymbol member, out string? entryName)
    {
        entryName = null;
        foreach (AttributeData attribute in member.GetAttributes())
        {
            if (attribute.AttributeClass is not null && HookBinder.MetadataName(attribute.AttributeClass) == HookCatalog.CallbackStateAttributeMetadataName)
            {
                foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
                {
                    if (argument.Key == "Name" && argument.Value.Value is string name && name.Length > 0)
                    {
                        entryName = name;
                    }
                }

                return true;
            }
        }

        return false;
    }
}
