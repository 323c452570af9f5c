using System;
using System.Collections.Generic;
using System.Linq;
using DreamTrainer.Analyzers.Tests.Infrastructure;
using DreamTrainer.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using Xunit.Abstractions;

namespace DreamTrainer.Analyzers.Tests.Precision;

/// <summary>
/// True and false positives of DT0201, DT0301 and DT0401 on the labelled corpus and the guide's
/// examples. The counts are printed (the issue note quotes them, before and after a change) and
/// must be perfect: every labelled finding reported, nothing else.
/// </summary>
public class PrecisionTests
{
    private static readonly string[] Rules = { "DT0201", "DT0301", "DT0401" };

    private readonly ITestOutputHelper _output;

    public PrecisionTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Every_labelled_finding_is_reported_and_nothing_else()
    {
        var counts = Rules.ToDictionary(r => r, _ => (Tp: 0, Fp: 0, Fn: 0));
        var mistakes = new List<string>();
        foreach ((string name, string markup) in LabelledCorpus.Cases)
        {
            (string source, List<(string Id, TextSpan Span)> expected) = AnalyzerVerifier.Parse(markup + LabelledCorpus.Torch);
            Count(name, source, expected, AnalyzerVerifier.Analyze(source), counts, mistakes);
        }

        // The guide's examples compile together (the group refers to the others); nothing is labelled.
        Compilation guide = TestCompilation.CreateFiles("Guide", LabelledCorpus.GuideExamples())
            .AddReferences(MetadataReference.CreateFromFile(typeof(DreamTrainer.Samples.Digits.DigitsBatch).Assembly.Location));
        (Compilation output, GeneratorDriverRunResult generated) = TestCompilation.Generate(guide);
        Assert.All(generated.Results, r => Assert.Null(r.Exception));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var byFile = AnalyzerVerifier.RunWithin(output, AnalyzerVerifier.HangBudget).GroupBy(d => d.Location.SourceTree?.FilePath ?? "");
        foreach ((string path, string text) in LabelledCorpus.GuideExamples())
        {
            Count("guide " + path, text, new List<(string, TextSpan)>(), byFile.Where(g => g.Key == path).SelectMany(g => g), counts, mistakes);
        }

        foreach (string rule in Rules)
        {
            _output.WriteLine($"{rule}: {counts[rule].Tp} true positives, {counts[rule].Fp} false positives, {counts[rule].Fn} missed");
        }

        Assert.True(mistakes.Count == 0, string.Join("\n", mistakes));
    }

    private static void Count(
        string name, string source, List<(string Id, TextSpan Span)> expected, IEnumerable<Diagnostic> diagnostics,
        Dictionary<string, (int Tp, int Fp, int Fn)> counts, List<string> mistakes)
    {
        var reported = diagnostics.Where(d => Rules.Contains(d.Id)).Select(d => (d.Id, d.Location.SourceSpan)).ToHashSet();
        foreach (string rule in Rules)
        {
            var want = expected.Where(e => e.Id == rule).ToHashSet();
            var got = reported.Where(r => r.Id == rule).ToHashSet();
            (int tp, int fp, int fn) = counts[rule];
            counts[rule] = (tp + got.Count(want.Contains), fp + got.Count(g => !want.Contains(g)), fn + want.Count(w => !got.Contains(w)));
            mistakes.AddRange(got.Where(g => !want.Contains(g)).Select(g => $"{name}: false positive {g.Id} '{source.Substring(g.SourceSpan.Start, g.SourceSpan.Length)}'"));
            mistakes.AddRange(want.Where(w => !got.Contains(w)).Select(w => $"{name}: missed {w.Id} '{source.Substring(w.Span.Start, w.Span.Length)}'"));
        }
    }
}
