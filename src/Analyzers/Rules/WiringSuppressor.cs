using System.Collections.Immutable;
using System.Linq;
using DreamTrainer.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DreamTrainer.Analyzers.Rules;

/// <summary>
/// Hides the IDE suggestions whose fix would break the generated wiring. CA1822 ("can be marked as
/// static") on a hook method: the generated code calls hooks on the callback instance, and a static
/// hook is DT0103. IDE0051 ("unused private member") on a hook or a <c>[CallbackState]</c> member, and
/// IDE0052 ("assigned but never read") / IDE0044 ("make field readonly") on a <c>[CallbackState]</c>
/// member: with the generated part in place the compiler sees the use, but while it is missing (a class
/// not yet partial, DT0101) the fix would delete the hook or the saved state, or make it DT0106.
/// IDE0060 ("unused parameter") is left alone: hooks bind by name and type, so removing an unused
/// parameter is harmless. Everywhere else these suggestions stay.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class WiringSuppressor : DiagnosticSuppressor
{
    internal static readonly SuppressionDescriptor StaticHook = new(
        "DTS0001", "CA1822", "The generated code calls this hook on the callback instance; a static hook is not a hook (DT0103)");

    internal static readonly SuppressionDescriptor UnusedHook = new(
        "DTS0002", "IDE0051", "The generated code calls this hook and saves this state; removing it would drop it from training");

    internal static readonly SuppressionDescriptor UnreadState = new(
        "DTS0003", "IDE0052", "The generated code reads [CallbackState] members when it saves a checkpoint");

    internal static readonly SuppressionDescriptor ReadonlyState = new(
        "DTS0004", "IDE0044", "The generated code writes [CallbackState] members when it restores a checkpoint; a readonly one cannot be restored (DT0106)");

    /// <inheritdoc/>
    public override ImmutableArray<SuppressionDescriptor> SupportedSuppressions { get; } = ImmutableArray.Create(StaticHook, UnusedHook, UnreadState, ReadonlyState);

    /// <inheritdoc/>
    public override void ReportSuppressions(SuppressionAnalysisContext context)
    {
        if (KnownSymbols.Create(context.Compilation) is not { } known)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.ReportedDiagnostics)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (DeclaredSymbol(context, diagnostic) is not { } symbol)
            {
                continue;
            }

            bool isHook = symbol is IMethodSymbol method && known.HooksOf(method).Any();
            bool isState = symbol is IFieldSymbol or IPropertySymbol && known.Has(symbol, known.CallbackState);
            SuppressionDescriptor? suppression = diagnostic.Id switch
            {
                "CA1822" when isHook => StaticHook,
                "IDE0051" when isHook || isState => UnusedHook,
                "IDE0052" when isState => UnreadState,
                "IDE0044" when isState => ReadonlyState,
                _ => null,
            };
            if (suppression is not null)
            {
                context.ReportSuppression(Suppression.Create(suppression, diagnostic));
            }
        }
    }

    /// <summary>The method, field or property the diagnostic is on (they report at its name).</summary>
    private static ISymbol? DeclaredSymbol(SuppressionAnalysisContext context, Diagnostic diagnostic)
    {
        if (diagnostic.Location.SourceTree is not { } tree)
        {
            return null;
        }

        SyntaxNode? node = tree.GetRoot(context.CancellationToken).FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        SyntaxNode? declaration = node.AncestorsAndSelf().FirstOrDefault(n => n is MethodDeclarationSyntax or VariableDeclaratorSyntax or PropertyDeclarationSyntax);
        return declaration is null ? null : context.GetSemanticModel(tree).GetDeclaredSymbol(declaration, context.CancellationToken);
    }
}
