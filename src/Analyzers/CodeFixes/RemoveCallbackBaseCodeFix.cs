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

namespace DreamTrainer.CodeFixes;

/// <summary>DT0109: removes the <c>Callback</c> base class a ported callback names, and makes the class partial.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveCallbackBaseCodeFix))]
[Shared]
public sealed class RemoveCallbackBaseCodeFix : CodeFixProvider
{
    private const string EquivalenceKey = "DreamTrainer.RemoveCallbackBase";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.CallbackBaseClass.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root?.FindNode(diagnostic.Location.SourceSpan).AncestorsAndSelf().OfType<BaseTypeSyntax>().FirstOrDefault() is not { Parent: BaseListSyntax { Parent: ClassDeclarationSyntax declaration } } baseType)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create($"Remove ': {baseType.Type}' and make '{declaration.Identifier.ValueText}' partial", token => FixAsync(context.Document, declaration, baseType, token), EquivalenceKey),
                diagnostic);
        }
    }

    private static async Task<Document> FixAsync(Document document, ClassDeclarationSyntax declaration, BaseTypeSyntax baseType, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        BaseListSyntax bases = declaration.BaseList!;
        ClassDeclarationSyntax updated = bases.Types.Count == 1
            ? declaration.WithBaseList(null).WithIdentifier(declaration.Identifier.WithTrailingTrivia(bases.GetTrailingTrivia()))
            : declaration.WithBaseList(bases.WithTypes(bases.Types.Remove(baseType)));
        return document.WithSyntaxRoot(root.ReplaceNode(declaration, AddPartialCodeFix.MakePartial(updated)));
    }
}
