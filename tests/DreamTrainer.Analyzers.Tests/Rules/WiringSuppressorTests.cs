using System.Collections.Immutable;
using System.Linq;
using DreamTrainer.Analyzers.Rules;
using DreamTrainer.Analyzers.Tests.Infrastructure;
using DreamTrainer.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace DreamTrainer.Analyzers.Tests.Rules;

/// <summary>The suppressor hides the IDE suggestions that would break generated wiring, and nothing else.</summary>
public class WiringSuppressorTests
{
    private const string Source = """
        using DreamTrainer;

        public sealed partial class Counter
        {
            [CallbackState] private int _count;

            [OnTrainBatchEnd] void Step() => _count++;

            [OnTrainEnd] void End() { }

            private static int Twice(int value) => value * 2;

            internal int NotAHook() => Twice(21);
        }

        public sealed class Plain
        {
            public int Answer() => 42;
        }
        """;

    [Fact]
    public void The_real_CA1822_is_suppressed_on_hook_methods_and_only_there()
    {
        ImmutableArray<Diagnostic> diagnostics = Analyze(Source, NetAnalyzers.Reporting("CA1822").Add(new WiringSuppressor()));

        var ca1822 = diagnostics.Where(d => d.Id == "CA1822").ToDictionary(Member, d => d.IsSuppressed);
        Assert.Equal(new[] { ("Answer", false), ("End", true), ("NotAHook", false) }, ca1822.OrderBy(p => p.Key).Select(p => (p.Key, p.Value)));
    }

    [Fact]
    public void Without_the_suppressor_CA1822_reports_the_hook()
    {
        ImmutableArray<Diagnostic> diagnostics = Analyze(Source, NetAnalyzers.Reporting("CA1822"));

        Assert.Contains(diagnostics, d => d.Id == "CA1822" && Member(d) == "End" && !d.IsSuppressed);
    }

    [Fact]
    public void Unused_member_and_readonly_suggestions_are_suppressed_on_hooks_and_state_only()
    {
        // A class the generator cannot wire yet (not partial: DT0101) is where IDE0051/IDE0052/IDE0044
        // appear; the stand-in reports each id at every field and method, as those analyzers would.
        ImmutableArray<Diagnostic> diagnostics = Analyze(
            """
            using DreamTrainer;

            public sealed class Counter
            {
                [CallbackState] private int _count;
                private int _scratch;

                [OnTrainBatchEnd] void Step() => _count++;

                private void Helper() => _scratch++;
            }
            """,
            ImmutableArray.Create<DiagnosticAnalyzer>(new StandIn("IDE0051"), new StandIn("IDE0052"), new StandIn("IDE0044"), new StandIn("IDE0060"), new WiringSuppressor()),
            allowErrors: true);

        var suppressed = diagnostics.Where(d => d.Id.StartsWith("IDE", System.StringComparison.Ordinal))
            .Select(d => $"{d.Id} {Member(d)} {(d.IsSuppressed ? "suppressed" : "shown")}")
            .OrderBy(s => s, System.StringComparer.Ordinal);
        Assert.Equal(
            new[]
            {
                "IDE0044 Helper shown", "IDE0044 Step shown", "IDE0044 _count suppressed", "IDE0044 _scratch shown",
                "IDE0051 Helper shown", "IDE0051 Step suppressed", "IDE0051 _count suppressed", "IDE0051 _scratch shown",
                "IDE0052 Helper shown", "IDE0052 Step shown", "IDE0052 _count suppressed", "IDE0052 _scratch shown",
                "IDE0060 Helper shown", "IDE0060 Step shown", "IDE0060 _count shown", "IDE0060 _scratch shown",
            },
            suppressed);
    }

    private static ImmutableArray<Diagnostic> Analyze(string source, ImmutableArray<DiagnosticAnalyzer> analyzers, bool allowErrors = false)
    {
        (Compilation output, GeneratorDriverRunResult generated) = TestCompilation.Generate(TestCompilation.Create(source));
        Assert.All(generated.Results, r => Assert.Null(r.Exception));
        if (!allowErrors)
        {
            Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        }

        return AnalyzerVerifier.RunWithin(output, AnalyzerVerifier.HangBudget, analyzers: analyzers.AddRange(AnalyzerVerifier.All), reportSuppressed: true);
    }

    private static string Member(Diagnostic diagnostic)
    {
        SyntaxNode root = diagnostic.Location.SourceTree!.GetRoot();
        return root.FindToken(diagnostic.Location.SourceSpan.Start).ValueText;
    }

    /// <summary>Reports its id at the name of every field and method, as the IDE's analyzers do at theirs.</summary>
#pragma warning disable RS1001, RS1017 // A test stand-in for an IDE analyzer that is not in the package source for this Roslyn.
    private sealed class StandIn(string id) : DiagnosticAnalyzer
    {
        private readonly DiagnosticDescriptor _descriptor = new(id, id, "stand-in", "Style", DiagnosticSeverity.Info, isEnabledByDefault: true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(_descriptor);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterSymbolAction(
                symbol => symbol.ReportDiagnostic(Diagnostic.Create(_descriptor, symbol.Symbol.Locations[0])),
                SymbolKind.Field,
                SymbolKind.Method);
        }
    }
#pragma warning restore RS1001, RS1017
}
