using System.Collections.Generic;
using DreamTrainer.Contract;
using DreamTrainer.Generators.Models;
using Microsoft.CodeAnalysis;

namespace DreamTrainer.Generators.Callbacks;

/// <summary>Finds <c>[CallbackState]</c> members the generated code can write and read back.</summary>
internal static class StateMemberParser
{
    public static List<StateMemberModel> Parse(List<INamedTypeSymbol> chain, INamedTypeSymbol type, Compilation compilation)
    {
        var members = new List<StateMemberModel>();
        foreach (INamedTypeSymbol declaring in chain)
        {
            foreach (ISymbol member in declaring.GetMembers())
            {
                if (member.IsStatic || member.IsImplicitlyDeclared || !HasStateAttribute(member, out string? entryName))
                {
                    continue;
                }

                bool own = SymbolEqualityComparer.Default.Equals(declaring, type);
                if (!own && !compilation.IsSymbolAccessibleWithin(member, type))
                {
                    continue;
                }

                ITypeSymbol? memberType = member switch
                {
                    IFieldSymbol { IsReadOnly: false, IsConst: false } field => field.Type,
                    IPropertySymbol { GetMethod: not null, SetMethod: { IsInitOnly: false } } property => property.Type,
                    _ => null,
                };
                if (memberType is not null && Classify(memberType) is { } kind)
                {
                    members.Add(new StateMemberModel(member.Name, entryName ?? member.Name, kind, memberType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)));
                }
            }
        }

        return members;
    }

    /// <summary>How a value of <paramref name="type"/> is stored, or null when it is not supported.</summary>
    public static StateKind? Classify(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean: return StateKind.Boolean;
            case SpecialType.System_Int32: return StateKind.Int32;
            case SpecialType.System_Int64: return StateKind.Int64;
            case SpecialType.System_Single: return StateKind.Single;
            case SpecialType.System_Double: return StateKind.Double;
            case SpecialType.System_String: return StateKind.String;
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            return StateKind.Enum;
        }

        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            return nullable.TypeArguments[0].SpecialType switch
            {
                SpecialType.System_Boolean => StateKind.NullableBoolean,
                SpecialType.System_Int32 => StateKind.NullableInt32,
                SpecialType.System_Int64 => StateKind.NullableInt64,
                SpecialType.System_Single => StateKind.NullableSingle,
                SpecialType.System_Double => StateKind.NullableDouble,
                _ => null,
            };
        }

        if (type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Double })
        {
            return StateKind.DoubleArray;
        }

        if (type is INamedTypeSymbol { TypeArguments.Length: 1 } list
            && list.OriginalDefinition.ToDisplayString() == "System.Collections.Generic.List<T>"
            && list.TypeArguments[0].SpecialType == SpecialType.System_Double)
        {
            return StateKind.DoubleList;
        }

        return null;
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
