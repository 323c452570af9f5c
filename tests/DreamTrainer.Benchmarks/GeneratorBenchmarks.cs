using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using BenchmarkDotNet.Attributes;
using DreamTrainer.Analyzers.Rules;
using DreamTrainer.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DreamTrainer.Benchmarks;

/// <summary>
/// The generator and the analyzers on synthetic compilations of 10, 100 and 1,000 callbacks (each
/// with three hooks, a state member and a priority, plus one pipeline per 10 callbacks): a cold
/// run of a new driver, as in a command-line build.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private CSharpCompilation _compilation = null!;
    private Compilation _generated = null!;
    private SyntaxTree _before = null!;
    private SyntaxTree _after = null!;

    /// <summary>How many callback classes the compilation has.</summary>
    [Params(10, 100, 1000)]
    public int Callbacks { get; set; }

    /// <summary>Writes the synthetic sources, and for the edit: the compilation with the generated code an IDE holds, and one file edited.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _compilation = CreateCompilation(Callbacks);
        CSharpGeneratorDriver.Create(new CallbackGenerator()).RunGeneratorsAndUpdateCompilation(_compilation, out _generated, out _);
        _before = _compilation.SyntaxTrees.First(t => t.FilePath == $"Callback{Callbacks / 2}.cs");
        string text = _before.GetText().ToString();
        _after = _before.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(text.Replace("_seen++", "_seen += 2", StringComparison.Ordinal)));
    }

    /// <summary>One generator run over the whole compilation.</summary>
    [Benchmark]
    public int Generator()
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new CallbackGenerator());
        driver = driver.RunGenerators(_compilation);
        return driver.GetRunResult().GeneratedTrees.Length;
    }

    /// <summary>All four analyzers over the whole compilation.</summary>
    [Benchmark]
    public int Analyzers()
    {
        ImmutableArray<DiagnosticAnalyzer> analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(
            new DeclarationAnalyzer(), new MutationAnalyzer(), new SwallowedExceptionAnalyzer(), new AllocationAnalyzer(), new PortedHookAnalyzer());
        return _compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult().Length;
    }

    /// <summary>
    /// What an editor re-runs per keystroke in one file: a new compilation with the edited tree (the
    /// rest, generated code included, unchanged), then the analyzers' syntax and semantic diagnostics
    /// of that one file. Compilation-end rules (DT0104) wait for a build, as in the IDE.
    /// </summary>
    [Benchmark]
    public int AnalyzersSingleFileEdit()
    {
        Compilation edited = _generated.ReplaceSyntaxTree(_before, _after);
        ImmutableArray<DiagnosticAnalyzer> analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(
            new DeclarationAnalyzer(), new MutationAnalyzer(), new SwallowedExceptionAnalyzer(), new AllocationAnalyzer(), new WiringSuppressor());
        CompilationWithAnalyzers withAnalyzers = edited.WithAnalyzers(analyzers);
        int syntax = withAnalyzers.GetAnalyzerSyntaxDiagnosticsAsync(_after, CancellationToken.None).GetAwaiter().GetResult().Length;
        int semantic = withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(edited.GetSemanticModel(_after), null, CancellationToken.None).GetAwaiter().GetResult().Length;
        return syntax + semantic;
    }

    /// <summary>A compilation with <paramref name="count"/> callback classes, one file each.</summary>
    public static CSharpCompilation CreateCompilation(int count)
    {
        var trees = new SyntaxTree[count + 1];
        for (int i = 0; i < count; i++)
        {
            trees[i] = CSharpSyntaxTree.ParseText($$"""
                using DreamTrainer;

                namespace Synthetic.Group{{i / 10}};

                [Callback(Priority = {{i % 7}})]
                public sealed partial class Callback{{i}}
                {
                    [CallbackState] private int _seen;
                    [CallbackState] private double _best = double.PositiveInfinity;

                    [OnTrainBatchEnd] void Step(in StepOutput output, long globalStep) => _seen++;
                    [OnTrainEpochEnd(Priority = {{i % 3}})] void Epoch(TrainerContext trainer, MetricsView metrics) { if (metrics.TryGetValue("loss", out double loss) && loss < _best) _best = loss; }
                    [OnTrainEnd] void End(TrainEndReason reason) { }
                }
                """, new CSharpParseOptions(LanguageVersion.Latest), path: $"Callback{i}.cs");
        }

        var pipelines = new StringBuilder("using DreamTrainer;\n");
        for (int group = 0; group * 10 < count; group++)
        {
            pipelines.Append("namespace Synthetic.Group").Append(group).Append(" { [CallbackPipeline] public sealed partial class Pipeline {");
            for (int i = group * 10; i < Math.Min(count, (group * 10) + 10); i++)
            {
                pipelines.Append(" public Callback").Append(i).Append(" C").Append(i).Append(" { get; } = new();");
            }

            pipelines.Append(" } }\n");
        }

        trees[count] = CSharpSyntaxTree.ParseText(pipelines.ToString(), new CSharpParseOptions(LanguageVersion.Latest), path: "Pipelines.cs");
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll")
            .Append(typeof(ICallback).Assembly.Location)
            .Distinct()
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        return CSharpCompilation.Create("Synthetic" + count, trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }
}
