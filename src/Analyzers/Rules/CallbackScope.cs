using Microsoft.CodeAnalysis;

namespace DreamTrainer.Analyzers.Rules;

/// <summary>Which code the callback rules look at: every member of a class that has hook methods.</summary>
internal static class CallbackScope
{
    public static bool IsInCallback(ISymbol? symbol, Diagnostics.KnownSymbols known)
    {
        for (INamedTypeSymbol? type = symbol?.ContainingType; type is not null; type = type.ContainingType)
        {
            if (known.IsCallbackClass(type))
            {
                return true;
            }
        }

        return false;
    }
}
