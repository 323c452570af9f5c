using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DreamTrainer.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace DreamTrainer.Analyzers.Tests.Infrastructure;

/// <summary>Applies a code fix (one diagnostic, or Fix All in the document) in an ad-hoc workspace and returns the new text.</summary>
internal static class CodeFixVerifier
{
    public static async Task<string> ApplyAsync(CodeFixProvider provider, string source, string equivalenceKey, bool fixAll)
    {
        using var workspace = new AdhocWorkspace();
        Project project = workspace.AddProject("Tests", LanguageNames.CSharp)
            .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable))
            .WithParseOptions(TestCompilation.ParseOptions)
            .AddMetadataReferences(TestCompilation.Create(string.Empty).References);
        Document document = project.AddDocument("Test.cs", source);

        ImmutableArray<Diagnostic> diagnostics = await DiagnosticsAsync(document, provider).ConfigureAwait(false);
        Assert.NotEmpty(diagnostics);
        CodeAction? action;
        if (fixAll)
        {
            FixAllProvider fixAllProvider = provider.GetFixAllProvider()!;
            var context = new FixAllContext(document, provider, FixAllScope.Document, equivalenceKey, provider.FixableDiagnosticIds, new Diagnostics(diagnostics), CancellationToken.None);
            action = await fixAllProvider.GetFixAsync(context).ConfigureAwait(false);
        }
        else
        {
            var actions = new List<CodeAction>();
            var context = new CodeFixContext(document, diagnostics[0], (a, _) => actions.Add(a), CancellationToken.None);
            await provider.RegisterCodeFixesAsync(context).ConfigureAwait(false);
            action = actions.SingleOrDefault(a => a.EquivalenceKey == equivalenceKey);
        }

        Assert.NotNull(action);
        ImmutableArray<CodeActionOperation> operations = await action!.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false);
        Solution changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        return (await changed.GetDocument(document.Id)!.GetTextAsync().ConfigureAwait(false)).ToString();
    }

    /// <summary>
    /// A fix finishes the job: after it, the source compiles with the generator and every analyzer
    /// without a single warning (no CS0168 left behind, no DreamTrainer diagnostic).
    /// </summary>
    public static void AssertCleanAfterFix(string source)
    {
        (Compilation output, GeneratorDriverRunResult generated) = TestCompilation.Generate(TestCompilation.Create(source));
        Assert.All(generated.Results, r => Assert.Null(r.Exception));
        var problems = AnalyzerVerifier.RunWithin(output, AnalyzerVerifier.HangBudget, withCompilerDiagnostics: true)
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .ToList();
        Assert.True(problems.Count == 0, "The fixed source still has diagnostics:\n" + string.Join("\n", problems) + "\n" + source);
    }

    /// <summary>The equivalence keys of the fixes offered for the first diagnostic.</summary>
    public static async Task<IReadOnlyList<string?>> OfferedAsync(CodeFixProvider provider, string source)
    {
        using var workspace = new AdhocWorkspace();
        Project project = workspace.AddProject("Tests", LanguageNames.CSharp)
            .WithParseOptions(TestCompilation.ParseOptions)
            .AddMetadataReferences(TestCompilation.Create(string.Empty).References);
        Document document = project.AddDocument("Test.cs", source);
        ImmutableArray<Diagnostic> diagnostics = await DiagnosticsAsync(document, provider).ConfigureAwait(false);
        var actions = new List<CodeAction>();
        await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostics[0], (a, _) => actions.Add(a), CancellationToken.None)).ConfigureAwait(false);
        return actions.Select(a => a.EquivalenceKey).ToList();
    }

    private static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Document document, CodeFixProvider provider)
    {
        Compilation compilation = (await document.Project.GetCompilationAsync().ConfigureAwait(false))!;
        ImmutableArray<Diagnostic> all = AnalyzerVerifier.RunWithin(compilation, AnalyzerVerifier.HangBudget);
        return all.Where(d => provider.FixableDiagnosticIds.Contains(d.Id)).OrderBy(d => d.Location.SourceSpan.Start).ToImmutableArray();
    }

    private sealed class Diagnostics : FixAllContext.DiagnosticProvider
    {
        private readonly ImmutableArray<Diagnostic> _diagnostics;

        public Diagnostics(ImmutableArray<Diagnostic> diagnostics) => _diagnostics = diagnostics;

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(ImmutableArray<Diagnostic>.Empty);
    }
}
