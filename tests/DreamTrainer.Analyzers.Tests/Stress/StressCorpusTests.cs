using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using DreamTrainer.Analyzers.Tests.Infrastructure;
using DreamTrainer.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace DreamTrainer.Analyzers.Tests.Stress;

/// <summary>
/// Issue 11's stress corpus (see <see cref="StressCorpus"/>) through the generator and every
/// analyzer, as a build would: nothing throws, nothing hangs, the generated code compiles without
/// a warning, and each analyzer stays inside its budget.
/// </summary>
public class StressCorpusTests
{
    /// <summary>
    /// What one analyzer may spend on the whole corpus: the time its callbacks take, summed over
    /// threads (see <see cref="TimedAnalyzer"/>). Measured on a 2-core machine under load, the slowest takes well under a second; the
    /// budget leaves room for slower CI machines while still catching a walk that went quadratic.
    /// </summary>
    private static readonly TimeSpan AnalyzerBudget = TimeSpan.FromSeconds(10);

    private readonly ITestOutputHelper _output;

    public StressCorpusTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void The_corpus_has_at_least_300_callback_classes_and_every_shape()
    {
        Assert.True(StressCorpus.CallbackCount >= 300, $"{StressCorpus.CallbackCount} callbacks");
        Assert.Equal(30, StressShapes.All.Count);
    }

    [Fact]
    public void The_whole_corpus_compiles_with_the_generator_and_the_analyzers_within_budget()
    {
        var clock = Stopwatch.StartNew();
        Compilation input = TestCompilation.CreateFiles("StressCorpus", StressCorpus.Files.Select(f => (f.Path, f.Text)));
        (Compilation output, GeneratorDriverRunResult generated) = TestCompilation.Generate(input);
        TimeSpan generation = clock.Elapsed;

        Assert.All(generated.Results, r => Assert.Null(r.Exception));
        Assert.Empty(generated.Diagnostics);
        Assert.Equal(StressCorpus.CallbackCount + StressShapes.All.Count, generated.GeneratedTrees.Length);

        // The compiler's diagnostics come from the analyzers' pass: one binding of the corpus, as in a build.
        ImmutableArray<TimedAnalyzer> timed = AnalyzerVerifier.All.Select(a => new TimedAnalyzer(a)).ToImmutableArray();
        ImmutableArray<Diagnostic> diagnostics = AnalyzerVerifier.RunWithin(output, AnalyzerVerifier.HangBudget, withCompilerDiagnostics: true, analyzers: timed.CastArray<DiagnosticAnalyzer>());
        TimeSpan analysis = clock.Elapsed - generation;

        var generatedTrees = generated.GeneratedTrees.Select(t => t.FilePath).ToHashSet();
        var problems = diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error || (d.Severity == DiagnosticSeverity.Warning && generatedTrees.Contains(d.Location.SourceTree?.FilePath ?? "")))
            .ToList();
        Assert.True(problems.Count == 0, "The corpus does not compile cleanly:\n" + string.Join("\n", problems.Take(30)));

        foreach (TimedAnalyzer analyzer in timed)
        {
            Assert.True(analyzer.Elapsed < AnalyzerBudget, $"{analyzer.Inner.GetType().Name} took {analyzer.Elapsed} on the corpus; budget {AnalyzerBudget}.");
        }

        // Every analyzed class reports its planted mutation, and only that: the walk reached the end
        // of each chain. Generated files are not analyzed, so theirs go unreported.
        var mutations = diagnostics.Where(d => d.Id == "DT0201").GroupBy(d => d.Location.SourceTree!.FilePath).ToDictionary(g => g.Key, g => g.Count());
        foreach (CorpusFile file in StressCorpus.Files)
        {
            Assert.True(
                mutations.GetValueOrDefault(file.Path) == file.PlantedMutations,
                $"{file.Path}: {mutations.GetValueOrDefault(file.Path)} DT0201, expected {file.PlantedMutations}:\n"
                + string.Join("\n", diagnostics.Where(d => d.Id == "DT0201" && d.Location.SourceTree!.FilePath == file.Path)));
        }

        Assert.DoesNotContain(diagnostics, d => d.Id.StartsWith("DT01", StringComparison.Ordinal));
        _output.WriteLine(
            $"{StressCorpus.CallbackCount} callbacks, {StressCorpus.Files.Count} files: generator {generation.TotalSeconds:0.00} s, "
            + $"compilation and analyzers {analysis.TotalSeconds:0.00} s, total {clock.Elapsed.TotalSeconds:0.00} s; "
            + string.Join(", ", timed.Select(a => $"{a.Inner.GetType().Name} {a.Elapsed.TotalMilliseconds:0} ms")) + "; " + string.Join(", ", diagnostics.GroupBy(d => d.Id).OrderBy(g => g.Key).Select(g => $"{g.Key} x{g.Count()}")));
    }
}
