using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DreamTrainer.Analyzers.Diagnostics;
using DreamTrainer.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DreamTrainer.CodeFixes;

/// <summary>
/// DT0107: marks a method named like a hook with the hook's attribute (and drops an <c>override</c>
/// of a base method that does not exist). DT0108: renames an unknown hook attribute to the hook's.
/// Adds <c>using DreamTrainer;</c> when the attribute would not resolve without it. Fix All fixes a
/// whole document in one edit.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddHookAttributeCodeFix))]
[Shared]
public sealed class AddHookAttributeCodeFix : CodeFixProvider
{
    private const string EquivalenceKey = "DreamTrainer.UseHookAttribute";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.HookNamedWithoutAttribute.Id, DiagnosticDescriptors.UnknownHookAttribute.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() =>
        FixAllProvider.Create(static async (context, document, diagnostics) => await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

    /// <inheritdoc/>
    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (diagnostic.Properties.TryGetValue(PortedHookAnalyzer.AttributeProperty, out string? attribute) && attribute is not null)
            {
                context.RegisterCodeFix(
                    CodeAction.Create($"Use [{attribute}]", token => FixAsync(context.Document, ImmutableArray.Create(diagnostic), token), EquivalenceKey),
                    diagnostic);
            }
        }

        return Task.CompletedTask;
    }

    private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        SemanticModel model = (await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false))!;
        var edits = new Dictionary<SyntaxNode, string>();
        foreach (Diagnostic diagnostic in diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(PortedHookAnalyzer.AttributeProperty, out string? attribute) || attribute is null)
            {
                continue;
            }

            SyntaxNode? node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            SyntaxNode? target = diagnostic.Id == DiagnosticDescriptors.UnknownHookAttribute.Id
                ? node?.AncestorsAndSelf().OfType<AttributeSyntax>().FirstOrDefault()
                : node?.AncestorsAndSelf().OfType<MethodDeclarationSyntax>().FirstOrDefault();
            if (target is not null)
            {
                edits[target] = attribute;
            }
        }

        if (edits.Count == 0)
        {
            return document;
        }

        bool needsUsing = !Resolves(model, edits.Keys.First().SpanStart, edits.Values.First());
        SyntaxTrivia newLine = root.DescendantTrivia().FirstOrDefault(static t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is { RawKind: not 0 } existing
            ? existing
            : SyntaxFactory.EndOfLine("\n");
        SyntaxNode fixedRoot = root.ReplaceNodes(edits.Keys, (original, rewritten) => original switch
        {
            AttributeSyntax => ((AttributeSyntax)rewritten).WithName(SyntaxFactory.IdentifierName(edits[original]).WithTriviaFrom(((AttributeSyntax)rewritten).Name)),
            MethodDeclarationSyntax method => AddAttribute(method, (MethodDeclarationSyntax)rewritten, edits[original], newLine, model, cancellationToken),
            _ => rewritten,
        });
        if (needsUsing && fixedRoot is CompilationUnitSyntax unit)
        {
            // A blank line after it when something other than usings follows.
            UsingDirectiveSyntax directive = SyntaxFactory.UsingDirective(SyntaxFactory.IdentifierName(Contract.HookCatalog.Namespace)).WithTrailingTrivia(newLine);
            fixedRoot = unit.Usings.Count > 0
                ? unit.AddUsings(directive)
                : unit.WithUsings(SyntaxFactory.SingletonList(directive.WithTrailingTrivia(newLine, newLine)));
        }

        return document.WithSyntaxRoot(fixedRoot);
    }

    /// <summary>True when the hook attribute's simple name already binds to ours at <paramref name="position"/>.</summary>
    private static bool Resolves(SemanticModel model, int position, string attribute) =>
        model.LookupNamespacesAndTypes(position, name: attribute + "Attribute")
            .Any(static symbol => symbol.ContainingNamespace?.ToDisplayString() == Contract.HookCatalog.Namespace);

    private static MethodDeclarationSyntax AddAttribute(MethodDeclarationSyntax original, MethodDeclarationSyntax method, string attribute, SyntaxTrivia newLine, SemanticModel model, CancellationToken cancellationToken)
    {
        // An 'override' of a base class that does not exist here (a ported Callback subclass) goes.
        if (method.Modifiers.Any(SyntaxKind.OverrideKeyword)
            && model.GetDeclaredSymbol(original, cancellationToken) is { OverriddenMethod: null })
        {
            SyntaxToken overrideToken = method.Modifiers.First(static m => m.IsKind(SyntaxKind.OverrideKeyword));
            method = method.WithModifiers(method.Modifiers.Remove(overrideToken));
            if (method.Modifiers.Count == 0)
            {
                method = method.WithReturnType(method.ReturnType.WithLeadingTrivia(overrideToken.LeadingTrivia));
            }
        }

        SyntaxTriviaList leading = method.GetLeadingTrivia();
        SyntaxTriviaList indentation = SyntaxFactory.TriviaList(leading.Reverse().TakeWhile(static t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse());
        AttributeListSyntax list = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(SyntaxFactory.IdentifierName(attribute))))
            .WithLeadingTrivia(leading)
            .WithTrailingTrivia(newLine);
        return method.WithLeadingTrivia(indentation).WithAttributeLists(method.AttributeLists.Insert(0, list));
    }
}
