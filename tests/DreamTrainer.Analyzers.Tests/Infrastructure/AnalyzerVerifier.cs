using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using DreamTrainer.Analyzers.Rules;
using DreamTrainer.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using Xunit.Sdk;

namespace DreamTrainer.Analyzers.Tests.Infrastructure;

/// <summary>
/// A small stand-in for Microsoft.CodeAnalysis.Testing with its markup: <c>{|DT0201:text|}</c>
/// marks where a diagnostic must be, and nothing else may be reported. The generator runs first,
/// as in a real build, and an analyzer crash (AD0001) always fails the test.
/// </summary>
internal static class AnalyzerVerifier
{
    public static readonly ImmutableArray<DiagnosticAnalyzer> All = ImmutableArray.Create<DiagnosticAnalyzer>(
        new DeclarationAnalyzer(), new MutationAnalyzer(), new SwallowedExceptionAnalyzer(), new AllocationAnalyzer(), new PortedHookAnalyzer());

    /// <summary>Asserts that exactly the marked DreamTrainer diagnostics are reported.</summary>
    /// <param name="markup">The source, with <c>{|DTxxxx:span|}</c> where each diagnostic must be.</param>
    /// <param name="editorConfig">.editorconfig lines.</param>
    /// <param name="allowCompilerErrors">For rules about code that does not compile yet (a ported callback's unknown base or attribute).</param>
    public static void Verify(string markup, string? editorConfig = null, bool allowCompilerErrors = false)
    {
        (string source, List<(string Id, TextSpan Span)> expected) = Parse(markup);
        IReadOnlyList<Diagnostic> actual = Analyze(source, editorConfig, allowCompilerErrors);
        var got = actual.Where(d => d.Id.StartsWith("DT", StringComparison.Ordinal)).Select(d => (d.Id, d.Location.SourceSpan)).OrderBy(d => d.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
        var want = expected.OrderBy(d => d.Span.Start).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
        if (!got.SequenceEqual(want))
        {
            throw new XunitException($"Expected:\n{Describe(source, want)}\nActual:\n{Describe(source, got)}");
        }
    }

    /// <summary>
    /// How long one analysis may take before the test fails as a hang. Generous: the first test of
    /// a run also pays for loading and compiling Roslyn on a busy 2-core machine.
    /// </summary>
    public static readonly TimeSpan HangBudget = TimeSpan.FromSeconds(60);

    /// <summary>Runs the generator, then every analyzer; fails on a generator exception, AD0001, a compiler error, or a hang.</summary>
    public static IReadOnlyList<Diagnostic> Analyze(string source, string? editorConfig = null, bool allowCompilerErrors = false)
    {
        Compilation compilation = TestCompilation.Create(source);
        (Compilation output, GeneratorDriverRunResult generated) = TestCompilation.Generate(compilation);
        Assert.All(generated.Results, r => Assert.Null(r.Exception));
        if (!allowCompilerErrors)
        {
            var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, "The test source does not compile:\n" + string.Join("\n", errors));
        }

        return RunWithin(output, HangBudget, editorConfig);
    }

    /// <summary>
    /// Runs every analyzer over <paramref name="compilation"/> on another thread and fails, rather
    /// than hangs, when they take longer than <paramref name="budget"/>: then the analysis is
    /// cancelled. Fails on AD0001. With <paramref name="withCompilerDiagnostics"/>, the compiler's
    /// own diagnostics come back too, from the same pass (binding a large compilation twice is slow);
    /// with <paramref name="reportSuppressed"/>, diagnostics a suppressor hid come back marked suppressed.
    /// </summary>
    public static ImmutableArray<Diagnostic> RunWithin(
        Compilation compilation, TimeSpan budget, string? editorConfig = null, bool withCompilerDiagnostics = false, ImmutableArray<DiagnosticAnalyzer>? analyzers = null, bool reportSuppressed = false)
    {
        AnalyzerOptions options = new(ImmutableArray<AdditionalText>.Empty, new ConfigOptionsProvider(editorConfig));
        var exceptions = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var analyzed = compilation.WithAnalyzers(analyzers ?? All, new CompilationWithAnalyzersOptions(options, (exception, _, _) => exceptions.Enqueue(exception), concurrentAnalysis: true, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: reportSuppressed));
        using var cancellation = new CancellationTokenSource();
        Task<ImmutableArray<Diagnostic>> analysis = Task.Run(() => withCompilerDiagnostics
            ? analyzed.GetAllDiagnosticsAsync(cancellation.Token)
            : analyzed.GetAnalyzerDiagnosticsAsync(cancellation.Token));
        if (!analysis.Wait(budget))
        {
            // Ask them to stop; a walk that ignores the token goes on spinning on its pool thread,
            // but the test fails now instead of hanging the run.
            cancellation.Cancel();
            throw new XunitException($"The analyzers did not finish within {budget.TotalSeconds:0} s: a walk loops or is unbounded.");
        }

        ImmutableArray<Diagnostic> diagnostics = analysis.Result;
        Assert.True(exceptions.IsEmpty, "An analyzer threw: " + string.Join("\n", exceptions));
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        return diagnostics;
    }

    /// <summary>The messages of the diagnostics with <paramref name="id"/>, in source order.</summary>
    public static IReadOnlyList<string> Messages(IEnumerable<Diagnostic> diagnostics, string id) =>
        diagnostics.Where(d => d.Id == id).OrderBy(d => d.Location.SourceSpan.Start).Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).ToList();

    public static (string Source, List<(string Id, TextSpan Span)> Expected) Parse(string markup)
    {
        var text = new StringBuilder();
        var expected = new List<(string, TextSpan)>();
        var open = new Stack<(string Id, int Start)>();
        int i = 0;
        while (i < markup.Length)
        {
            if (markup[i] == '{' && i + 1 < markup.Length && markup[i + 1] == '|')
            {
                int colon = markup.IndexOf(':', i + 2);
                open.Push((markup.Substring(i + 2, colon - i - 2), text.Length));
                i = colon + 1;
            }
            else if (markup[i] == '|' && i + 1 < markup.Length && markup[i + 1] == '}' && open.Count > 0)
            {
                (string id, int start) = open.Pop();
                expected.Add((id, TextSpan.FromBounds(start, text.Length)));
                i += 2;
            }
            else
            {
                text.Append(markup[i++]);
            }
        }

        return (text.ToString(), expected);
    }

    private static string Describe(string source, IEnumerable<(string Id, TextSpan Span)> diagnostics) =>
        string.Join("\n", diagnostics.Select(d => $"  {d.Id} at {d.Span}: '{source.Substring(d.Span.Start, d.Span.Length)}'"));

    /// <summary>.editorconfig options for every tree: "key = value" lines.</summary>
    private sealed class ConfigOptionsProvider : AnalyzerConfigOptionsProvider
    {
        private readonly Options _options;

        public ConfigOptionsProvider(string? editorConfig)
        {
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (string line in (editorConfig ?? string.Empty).Split('\n'))
            {
                int equals = line.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                {
                    values[line[..equals].Trim()] = line[(equals + 1)..].Trim();
                }
            }

            _options = new Options(values);
        }

        public override AnalyzerConfigOptions GlobalOptions => _options;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => _options;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => _options;

        private sealed class Options : AnalyzerConfigOptions
        {
            private readonly Dictionary<string, string> _values;

            public Options(Dictionary<string, string> values) => _values = values;

            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => _values.TryGetValue(key, out value);
        }
    }
}
