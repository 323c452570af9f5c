using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using DreamTrainer.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace DreamTrainer.Analyzers.Rules;

/// <summary>
/// DT0301: a catch in a callback that neither rethrows, throws a new exception carrying the caught
/// one, nor hands the caught exception itself to a parameter that takes an exception (the context's
/// ReportError, a logger's exception argument): empty catches, <c>catch (Exception)</c> without a
/// variable, <c>catch { }</c>, and catches that only print a constant or the exception's message,
/// code or text and carry on. A failure swallowed in a callback vanishes: training goes on with a
/// callback that silently stopped doing its job.
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
            if (KnownSymbols.Create(start.Compilation, start.Options) is not { } known)
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
            problem = caught is null ? "neither rethrows nor hands the exception on" : UseOf(block, caught, known.Exception, context.SemanticModel, context.CancellationToken) switch
            {
                Use.HandedOn => null,
                Use.Read => "only reads the exception (its message, code or text) and carries on, so the trainer never hears of it",
                _ => "neither rethrows nor hands the exception on",
            };
        }

        if (problem is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(known.Links.For(DiagnosticDescriptors.SwallowsException), clause.CatchKeyword.GetLocation(), problem));
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

    /// <summary>
    /// How the handler uses the caught exception: handed on (thrown, or passed whole to a parameter
    /// that takes an exception: ReportError, a logger's exception argument, an inner exception, a
    /// list of exceptions), only read (its message, HResult or text printed), or not at all.
    /// </summary>
    private static Use UseOf(BlockSyntax block, ISymbol caught, INamedTypeSymbol? exception, SemanticModel model, CancellationToken cancellationToken)
    {
        Use use = Use.None;
        foreach (IdentifierNameSyntax name in block.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (name.Identifier.ValueText != caught.Name || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, caught))
            {
                continue;
            }

            use = Use.Read;
            SyntaxNode value = name;
            while (value.Parent is ParenthesizedExpressionSyntax or CastExpressionSyntax or PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression })
            {
                value = value.Parent;
            }

            if (value.Parent is ThrowStatementSyntax or ThrowExpressionSyntax
                || (value.Parent is ArgumentSyntax argument && TakesException(argument, exception, model, cancellationToken)))
            {
                return Use.HandedOn;
            }
        }

        return use;
    }

    /// <summary>True when the argument's parameter is an exception type: the callee keeps the exception, not its text.</summary>
    private static bool TakesException(ArgumentSyntax argument, INamedTypeSymbol? exception, SemanticModel model, CancellationToken cancellationToken)
    {
        // The argument's own operation, up through conversions and a params array to its parameter.
        IOperation? operation = model.GetOperation(argument.Expression, cancellationToken)?.Parent;
        while (operation is IConversionOperation or IArrayInitializerOperation or IArrayCreationOperation { IsImplicit: true })
        {
            operation = operation.Parent;
        }

        if (operation is not IArgumentOperation { Parameter.Type: { } parameterType })
        {
            return false;
        }

        ITypeSymbol type = parameterType is IArrayTypeSymbol array ? array.ElementType : parameterType;
        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (SymbolEqualityComparer.Default.Equals(current, exception))
            {
                return true;
            }
        }

        return false;
    }

    private enum Use
    {
        None,
        Read,
        HandedOn,
    }
}
