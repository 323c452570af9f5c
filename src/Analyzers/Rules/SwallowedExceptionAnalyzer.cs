using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using DreamTrainer.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DreamTrainer.Analyzers.Rules;

/// <summary>
/// DT0301: a catch in a callback that neither rethrows, throws a new exception carrying the caught
/// one, nor hands the caught exception to something (the context's ReportError, a logger): empty
/// catches, <c>catch (Exception)</c> without a variable, <c>catch { }</c>, and catches that only log a
/// constant. A failure swallowed in a callback vanishes: training goes on with a callback that
/// silently stopped doing its job.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SwallowedExceptionAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.SwallowsException);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (KnownSymbols.Create(start.Compilation) is not { } known)
            {
                return;
            }

            start.RegisterSyntaxNodeAction(node => Analyze(node, known), SyntaxKind.CatchClause);
        });
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, KnownSymbols known)
    {
        var clause = (CatchClauseSyntax)context.Node;
        if (!CallbackScope.IsInCallback(context.ContainingSymbol, known))
        {
            return;
        }

        BlockSyntax block = clause.Block;
        if (Rethrows(block, context.CancellationToken))
        {
            return;
        }

        string? problem;
        if (block.Statements.Count == 0)
        {
            problem = "is empty";
        }
        else if (clause.Declaration is null || clause.Declaration.Identifier.IsKind(SyntaxKind.None))
        {
            problem = "discards the exception without naming it";
        }
        else
        {
            ISymbol? caught = context.SemanticModel.GetDeclaredSymbol(clause.Declaration, context.CancellationToken);
            problem = caught is not null && HandsOn(block, caught, context.SemanticModel, context.CancellationToken) ? null : "neither rethrows nor hands the exception on";
        }

        if (problem is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SwallowsException, clause.CatchKeyword.GetLocation(), problem));
        }
    }

    /// <summary>A <c>throw;</c> anywhere in the handler (outside nested functions).</summary>
    private static bool Rethrows(BlockSyntax block, CancellationToken cancellationToken)
    {
        foreach (SyntaxNode node in block.DescendantNodes(n => n is not AnonymousFunctionExpressionSyntax and not LocalFunctionStatementSyntax))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (node is ThrowStatementSyntax { Expression: null })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The caught exception is thrown, or passed (alone or inside an expression) as an argument.</summary>
    private static bool HandsOn(BlockSyntax block, ISymbol caught, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (IdentifierNameSyntax name in block.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (name.Identifier.ValueText != caught.Name || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, caught))
            {
                continue;
            }

            for (SyntaxNode? parent = name.Parent; parent is not null && parent != block; parent = parent.Parent)
            {
                if (parent is ArgumentSyntax or ThrowStatementSyntax or ThrowExpressionSyntax)
                {
                    return true;
                }

                if (parent is StatementSyntax)
                {
                    break;
                }
            }
        }

        return false;
    }
}
