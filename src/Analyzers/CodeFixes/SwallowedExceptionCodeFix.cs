using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DreamTrainer.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace DreamTrainer.CodeFixes;

/// <summary>
/// DT0301: two fixes for a swallowed exception — rethrow it with <c>throw;</c>, or report it to the
/// trainer with <c>context.ReportError(ex)</c> (offered when the method has a TrainerContext
/// parameter; the catch gets a variable if it has none).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SwallowedExceptionCodeFix))]
[Shared]
public sealed class SwallowedExceptionCodeFix : CodeFixProvider
{
    /// <summary>The equivalence key of the rethrow fix.</summary>
    public const string RethrowKey = "DreamTrainer.Rethrow";

    /// <summary>The equivalence key of the report fix.</summary>
    public const string ReportKey = "DreamTrainer.ReportError";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.SwallowsException.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.AncestorsAndSelf().OfType<CatchClauseSyntax>().FirstOrDefault() is not { } clause)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create("Rethrow with 'throw;'", token => RethrowAsync(context.Document, clause, token), RethrowKey),
                diagnostic);

            if (model is not null && FindContextParameter(clause, model) is { } contextName)
            {
                context.RegisterCodeFix(
                    CodeAction.Create($"Report through '{contextName}.ReportError'", token => ReportAsync(context.Document, clause, contextName, token), ReportKey),
                    diagnostic);
            }
        }
    }

    private static string? FindContextParameter(CatchClauseSyntax clause, SemanticModel model)
    {
        BaseMethodDeclarationSyntax? method = clause.Ancestors().OfType<BaseMethodDeclarationSyntax>().FirstOrDefault();
        if (method is null)
        {
            return null;
        }

        foreach (ParameterSyntax parameter in method.ParameterList.Parameters)
        {
            if (model.GetDeclaredSymbol(parameter) is { } symbol && symbol.Type.ToDisplayString() == Contract.HookCatalog.ContextMetadataName)
            {
                return parameter.Identifier.ValueText;
            }
        }

        return null;
    }

    private static async Task<Document> RethrowAsync(Document document, CatchClauseSyntax clause, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        CatchClauseSyntax updated = clause.WithBlock(clause.Block.AddStatements(SyntaxFactory.ThrowStatement()).WithAdditionalAnnotations(Formatter.Annotation));
        return document.WithSyntaxRoot(root.ReplaceNode(clause, updated));
    }

    private static async Task<Document> ReportAsync(Document document, CatchClauseSyntax clause, string contextName, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        CatchClauseSyntax updated = clause;
        string variable = clause.Declaration is { Identifier.ValueText.Length: > 0 } declared ? declared.Identifier.ValueText : "exception";
        if (clause.Declaration is null)
        {
            updated = updated.WithDeclaration(SyntaxFactory.CatchDeclaration(SyntaxFactory.ParseTypeName("System.Exception"), SyntaxFactory.Identifier(variable)))
                .WithCatchKeyword(clause.CatchKeyword.WithTrailingTrivia(SyntaxFactory.Space));
        }
        else if (clause.Declaration.Identifier.IsKind(SyntaxKind.None) || clause.Declaration.Identifier.ValueText.Length == 0)
        {
            updated = updated.WithDeclaration(clause.Declaration.WithType(clause.Declaration.Type.WithTrailingTrivia(SyntaxFactory.Space)).WithIdentifier(SyntaxFactory.Identifier(variable)));
        }

        StatementSyntax report = SyntaxFactory.ParseStatement($"{contextName}.ReportError({variable});");
        updated = updated.WithBlock(updated.Block.AddStatements(report).WithAdditionalAnnotations(Formatter.Annotation));
        return document.WithSyntaxRoot(root.ReplaceNode(clause, updated));
    }
}
