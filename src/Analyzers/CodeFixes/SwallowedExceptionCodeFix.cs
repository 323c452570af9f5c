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
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace DreamTrainer.CodeFixes;

/// <summary>
/// DT0301: three fixes for a swallowed exception — rethrow it with <c>throw;</c> (the catch variable
/// loses its name when nothing else uses it, so no CS0168 is left), report it to the trainer with
/// <c>context.ReportError(ex)</c> (offered when the method has a TrainerContext parameter; the catch
/// gets a variable if it has none, typed <c>Exception</c> with <c>using System;</c>), or, for a
/// deliberate cleanup catch, suppress DT0301 around it with a justification to edit.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SwallowedExceptionCodeFix))]
[Shared]
public sealed class SwallowedExceptionCodeFix : CodeFixProvider
{
    /// <summary>The equivalence key of the rethrow fix.</summary>
    public const string RethrowKey = "DreamTrainer.Rethrow";

    /// <summary>The equivalence key of the report fix.</summary>
    public const string ReportKey = "DreamTrainer.ReportError";

    /// <summary>The equivalence key of the suppression fix.</summary>
    public const string SuppressKey = "DreamTrainer.SuppressCleanupCatch";

    /// <summary>The comment the suppression fix writes: the reason a reader needs, for the user to make precise.</summary>
    public const string Justification = "Deliberate cleanup catch: a failure here must not stop training";

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

            context.RegisterCodeFix(
                CodeAction.Create("Suppress DT0301 with a justification (deliberate cleanup catch)", token => SuppressAsync(context.Document, clause, token), SuppressKey),
                diagnostic);
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
        SemanticModel model = (await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false))!;
        CatchClauseSyntax updated = clause.WithBlock(Append(clause.Block, "throw;"));
        if (clause.Declaration is { Identifier.ValueText.Length: > 0 } declaration && !IsUsed(clause, declaration, model, cancellationToken))
        {
            // 'catch (Exception e) { throw; }' would leave CS0168 behind: the name goes, the type stays.
            updated = updated.WithDeclaration(declaration.WithType(declaration.Type.WithoutTrailingTrivia()).WithIdentifier(default));
        }

        return document.WithSyntaxRoot(root.ReplaceNode(clause, updated));
    }

    /// <summary>
    /// Adds <paramref name="statement"/> at the end of <paramref name="block"/>: on its own line, formatted,
    /// in a block that spans lines; before the closing brace of a one-line handler, which stays on one line.
    /// </summary>
    private static BlockSyntax Append(BlockSyntax block, string statement)
    {
        if (block.ToString().IndexOf('\n') >= 0)
        {
            return block.AddStatements(SyntaxFactory.ParseStatement(statement).WithAdditionalAnnotations(Formatter.Annotation));
        }

        string text = block.ToString();
        int close = text.LastIndexOf('}');
        string head = text.Substring(0, close).TrimEnd();
        var oneLine = (BlockSyntax)SyntaxFactory.ParseStatement(head + " " + statement + " }");
        return oneLine.WithLeadingTrivia(block.GetLeadingTrivia()).WithTrailingTrivia(block.GetTrailingTrivia());
    }

    private static bool IsUsed(CatchClauseSyntax clause, CatchDeclarationSyntax declaration, SemanticModel model, CancellationToken cancellationToken)
    {
        ISymbol? variable = model.GetDeclaredSymbol(declaration, cancellationToken);
        foreach (IdentifierNameSyntax name in clause.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (name.Identifier.ValueText == declaration.Identifier.ValueText
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, variable))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<Document> ReportAsync(Document document, CatchClauseSyntax clause, string contextName, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        CatchClauseSyntax updated = clause;
        string variable = clause.Declaration is { Identifier.ValueText.Length: > 0 } declared ? declared.Identifier.ValueText : "exception";
        if (clause.Declaration is null)
        {
            // Written qualified and annotated: the simplifier shortens it to 'Exception' and the import
            // adder brings 'using System;' when the file lacks it (or keeps it qualified on a clash).
            TypeSyntax exception = SyntaxFactory.ParseTypeName("global::System.Exception").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
            // Plain (not elastic) trivia: a code action's clean-up reformats elastic trivia, which would
            // move a one-line handler's brace onto a line of its own.
            CatchDeclarationSyntax declaration = SyntaxFactory.CatchDeclaration(
                SyntaxFactory.Token(SyntaxTriviaList.Empty, SyntaxKind.OpenParenToken, SyntaxTriviaList.Empty),
                exception,
                SyntaxFactory.Identifier(SyntaxFactory.TriviaList(SyntaxFactory.Space), variable, SyntaxTriviaList.Empty),
                SyntaxFactory.Token(SyntaxTriviaList.Empty, SyntaxKind.CloseParenToken, clause.CatchKeyword.TrailingTrivia));
            updated = updated.WithDeclaration(declaration).WithCatchKeyword(clause.CatchKeyword.WithTrailingTrivia(SyntaxFactory.Space));
        }
        else if (clause.Declaration.Identifier.IsKind(SyntaxKind.None) || clause.Declaration.Identifier.ValueText.Length == 0)
        {
            updated = updated.WithDeclaration(clause.Declaration.WithType(clause.Declaration.Type.WithTrailingTrivia(SyntaxFactory.Space)).WithIdentifier(SyntaxFactory.Identifier(SyntaxTriviaList.Empty, variable, SyntaxTriviaList.Empty)));
        }

        updated = updated.WithBlock(Append(updated.Block, $"{contextName}.ReportError({variable});"));
        Document changed = document.WithSyntaxRoot(root.ReplaceNode(clause, updated));
        changed = await ImportAdder.AddImportsAsync(changed, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await Simplifier.ReduceAsync(changed, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Puts <c>#pragma warning disable DT0301 // why</c> on its own line before the catch and the
    /// matching restore after it, breaking the line where the catch shares it with other code.
    /// </summary>
    private static async Task<Document> SuppressAsync(Document document, CatchClauseSyntax clause, CancellationToken cancellationToken)
    {
        SourceText text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        string id = DiagnosticDescriptors.SwallowsException.Id;
        string newLine = text.Lines.Count > 1 && text.ToString(text.Lines[0].SpanIncludingLineBreak).EndsWith("\r\n", System.StringComparison.Ordinal) ? "\r\n" : "\n";

        TextLine startLine = text.Lines.GetLineFromPosition(clause.SpanStart);
        string before = text.ToString(TextSpan.FromBounds(startLine.Start, clause.SpanStart));
        string indentation = new(before.TakeWhile(char.IsWhiteSpace).ToArray());
        string disable = $"#pragma warning disable {id} // {Justification}";
        TextChange opening = string.IsNullOrWhiteSpace(before)
            ? new(new TextSpan(startLine.Start, 0), indentation + disable + newLine)
            : new(new TextSpan(clause.SpanStart - (before.Length - before.TrimEnd().Length), before.Length - before.TrimEnd().Length), newLine + indentation + disable + newLine + indentation);

        TextLine endLine = text.Lines.GetLineFromPosition(clause.Span.End);
        string after = text.ToString(TextSpan.FromBounds(clause.Span.End, endLine.End));
        string restore = $"#pragma warning restore {id}";
        TextChange closing = string.IsNullOrWhiteSpace(after)
            ? new(new TextSpan(endLine.EndIncludingLineBreak, 0), (endLine.EndIncludingLineBreak == endLine.End ? newLine : string.Empty) + indentation + restore + newLine)
            : new(new TextSpan(clause.Span.End, 0), newLine + indentation + restore + newLine + indentation);

        return document.WithText(text.WithChanges(opening, closing));
    }
}
