// The [CallbackState] types: which member types the generated code can save and restore.
// Linked into the generator (which writes the code) and the analyzers (DT0106 reports the rest),
// so the two cannot disagree.

using Microsoft.CodeAnalysis;

namespace DreamTrainer.Contract
{
    /// <summary>How a <c>[CallbackState]</c> member is written and read.</summary>
    internal enum StateKind
    {
        Boolean,
        Int32,
        Int64,
        Single,
        Double,
        String,
        Enum,
        NullableBoolean,
        NullableInt32,
        NullableInt64,
        NullableSingle,
        NullableDouble,
        DoubleArray,
        DoubleList,
    }

    /// <summary>Classifies member types for state persistence.</summary>
    internal static class StateTypes
    {
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
    }
}
