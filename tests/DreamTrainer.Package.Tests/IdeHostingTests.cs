using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace DreamTrainer.Package.Tests;

/// <summary>
/// The packed analyzers, suppressor and code fixes hosted the way an IDE hosts them: a Roslyn
/// workspace whose project loads every assembly of the package's analyzers/dotnet/cs (and the real
/// .NET analyzers) from their files, with the package's build props turned into the global analyzer
/// config MSBuild would write. Code fixes are found as the IDE finds them, by [ExportCodeFixProvider].
/// </summary>
[Collection(PackageCollection.Name)]
public class IdeHostingTests(PackageFixture package)
{
    private const string Source = """
        using System;
        using DreamTrainer;

        public sealed partial class Cleanup
        {
            [OnTrainEnd]
            void Close(TrainerContext trainer)
            {
                try { Risky(); }
                catch (Exception e) { }
            }

            [OnTrainStart]
            void Start() { }

            internal int NotAHook() => 42;

            private static void Risky() { }
        }

        public sealed class Lonely
        {
            [OnTrainEnd]
            void End(TrainerContext trainer)
            {
                try { Risky(); } catch { }
            }

            private static void Risky() { }
        }
        """;

    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task CA1822_is_suppressed_on_hooks_and_only_there_and_the_help_links_lead_to_the_rule_pages()
    {
        using var workspace = new AdhocWorkspace();
        Document document = CreateDocument(workspace, Source);

        ImmutableArray<Diagnostic> diagnostics = await AnalyzeAsync(document.Project);

        var ca1822 = diagnostics.Where(d => d.Id == "CA1822").Select(d => $"{Name(d)} {(d.IsSuppressed ? "suppressed" : "shown")}").OrderBy(s => s, StringComparer.Ordinal);
        Assert.Equal(new[] { "Close suppressed", "End suppressed", "NotAHook shown", "Start suppressed" }, ca1822);
        Assert.Equal(new[] { "DT0101", "DT0301", "DT0301" }, diagnostics.Where(d => d.Id.StartsWith("DT", StringComparison.Ordinal)).Select(d => d.Id).OrderBy(id => id));
        string linkBase = HelpLinkBaseFromProps();
        Assert.StartsWith(PackageFixture.RepositoryUrl + "/blob/", linkBase, StringComparison.Ordinal);
        Assert.All(diagnostics.Where(d => d.Id.StartsWith("DT", StringComparison.Ordinal)), d => Assert.Equal(linkBase + d.Id + ".md", d.Descriptor.HelpLinkUri));
    }

    [Theory]
    [InlineData("DreamTrainer.Rethrow", "DT0301", "Cleanup", "catch (Exception e) { }", "catch (Exception) { throw; }")]
    [InlineData("DreamTrainer.ReportError", "DT0301", "Cleanup", "catch (Exception e) { }", "catch (Exception e) { trainer.ReportError(e); }")]
    [InlineData("DreamTrainer.ReportError", "DT0301", "Lonely", "try { Risky(); } catch { }", "try { Risky(); } catch (Exception exception) { trainer.ReportError(exception); }")]
    [InlineData("DreamTrainer.SuppressCleanupCatch", "DT0301", "Cleanup", "        catch (Exception e) { }\n", "        #pragma warning disable DT0301 // Deliberate cleanup catch: a failure here must not stop training\n        catch (Exception e) { }\n        #pragma warning restore DT0301\n")]
    [InlineData("DreamTrainer.AddPartial", "DT0101", "Lonely", "public sealed class Lonely", "public sealed partial class Lonely")]
    public async Task Each_fix_writes_the_expected_text_and_leaves_no_new_diagnostic(string fix, string id, string inClass, string before, string after)
    {
        using var workspace = new AdhocWorkspace();
        Document document = CreateDocument(workspace, Source);
        ImmutableArray<Diagnostic> diagnostics = await AnalyzeAsync(document.Project);
        string classText = Source[Source.IndexOf("class " + inClass, StringComparison.Ordinal)..];
        int classStart = Source.IndexOf("class " + inClass, StringComparison.Ordinal);
        int classEnd = classStart + classText.IndexOf("\n}", StringComparison.Ordinal);
        Diagnostic target = diagnostics.First(d => d.Id == id && d.Location.SourceSpan.Start >= classStart - 30 && d.Location.SourceSpan.Start < classEnd);

        string fixedText = await ApplyAsync(document, target, fix);

        int at = Source.IndexOf(before, classStart - 20, StringComparison.Ordinal);
        Assert.Equal(Source[..at] + after + Source[(at + before.Length)..], fixedText);

        ImmutableArray<Diagnostic> afterFix = await AnalyzeAsync(document.WithText(SourceText.From(fixedText)).Project);
        var beforeIds = Visible(diagnostics).ToList();
        beforeIds.Remove(target.Id);
        List<string> remaining = Visible(afterFix).ToList();
        foreach (string seen in beforeIds)
        {
            remaining.Remove(seen);
        }

        Assert.True(remaining.Count == 0, $"New after '{fix}': {string.Join(", ", remaining)}\n{fixedText}");
    }

    private static IEnumerable<string> Visible(ImmutableArray<Diagnostic> diagnostics) =>
        diagnostics.Where(d => !d.IsSuppressed && d.Severity >= DiagnosticSeverity.Info && d.Id != "CS8019").Select(d => d.Id);

    private Document CreateDocument(AdhocWorkspace workspace, string source)
    {
        string analyzers = Path.Combine(package.Unpacked, "analyzers", "dotnet", "cs");
        IEnumerable<string> analyzerFiles = Directory.GetFiles(analyzers, "*.dll")
            .Concat(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "NetAnalyzers"), "*.dll"));
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll")
            .Append(Path.Combine(package.Unpacked, "lib", "net10.0", "DreamTrainer.Runtime.dll"))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        ProjectId id = ProjectId.CreateNewId();
        Solution solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(id, VersionStamp.Default, "Consumer", "Consumer", LanguageNames.CSharp, filePath: "/consumer/Consumer.csproj")
                .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable))
                .WithParseOptions(new CSharpParseOptions(LanguageVersion.Latest))
                .WithMetadataReferences(references)
                .WithAnalyzerReferences(analyzerFiles.Select(path => (AnalyzerReference)new AnalyzerFileReference(path, Loader.Instance))))
            // What MSBuild writes for a CompilerVisibleProperty of the package's build props.
            .AddAnalyzerConfigDocument(
                DocumentId.CreateNewId(id), "Consumer.GeneratedMSBuildEditorConfig.editorconfig",
                SourceText.From($"is_global = true\nbuild_property.DreamTrainerHelpLinkBase = {HelpLinkBaseFromProps()}\n"),
                filePath: "/consumer/obj/Consumer.GeneratedMSBuildEditorConfig.editorconfig");
        DocumentId documentId = DocumentId.CreateNewId(id);
        solution = solution.AddDocument(documentId, "Callbacks.cs", SourceText.From(source), filePath: "/consumer/Callbacks.cs");
        Assert.True(workspace.TryApplyChanges(solution));
        return workspace.CurrentSolution.GetDocument(documentId)!;
    }

    private string HelpLinkBaseFromProps()
    {
        string props = File.ReadAllText(Path.Combine(package.Unpacked, "build", "DreamTrainer.Generators.props"));
        return Regex.Match(props, "<DreamTrainerHelpLinkBase[^>]*>([^<]*)</DreamTrainerHelpLinkBase>").Groups[1].Value;
    }

    /// <summary>Every analyzer and suppressor of the project's analyzer references, after its generators ran.</summary>
    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Project project)
    {
        Compilation compilation = (await project.GetCompilationAsync(None))!;
        Assert.Contains(compilation.SyntaxTrees, t => t.FilePath.Contains("DreamTrainer.Generators", StringComparison.Ordinal));
        ImmutableArray<DiagnosticAnalyzer> analyzers = project.AnalyzerReferences.SelectMany(r => r.GetAnalyzers(LanguageNames.CSharp)).ToImmutableArray();
        var options = new CompilationWithAnalyzersOptions(project.AnalyzerOptions, onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: true);
        ImmutableArray<Diagnostic> diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAllDiagnosticsAsync(None);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        return diagnostics;
    }

    private static async Task<string> ApplyAsync(Document document, Diagnostic diagnostic, string equivalenceKey)
    {
        var actions = new List<CodeAction>();
        foreach (CodeFixProvider provider in CodeFixes(document.Project).Where(p => p.FixableDiagnosticIds.Contains(diagnostic.Id)))
        {
            await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), None));
        }

        CodeAction chosen = Assert.Single(actions, a => a.EquivalenceKey == equivalenceKey);
        ImmutableArray<CodeActionOperation> operations = await chosen.GetOperationsAsync(None);
        Solution changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        return (await changed.GetDocument(document.Id)!.GetTextAsync(None)).ToString();
    }

    /// <summary>The code fixes in the project's analyzer assemblies, found by their export attribute.</summary>
    private static IEnumerable<CodeFixProvider> CodeFixes(Project project) =>
        project.AnalyzerReferences.OfType<AnalyzerFileReference>()
            .Select(reference => reference.GetAssembly())
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => type.GetCustomAttribute<ExportCodeFixProviderAttribute>() is { } export && export.Languages.Contains(LanguageNames.CSharp))
            .Select(type => (CodeFixProvider)Activator.CreateInstance(type)!);

    private static string Name(Diagnostic diagnostic) =>
        diagnostic.Location.SourceTree!.GetRoot().FindToken(diagnostic.Location.SourceSpan.Start).ValueText;

    private sealed class Loader : IAnalyzerAssemblyLoader
    {
        public static readonly Loader Instance = new();

        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}
