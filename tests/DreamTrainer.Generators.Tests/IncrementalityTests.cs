using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using DreamTrainer.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace DreamTrainer.Generators.Tests;

/// <summary>The generator caches: re-runs and unrelated edits do no work, and models hold no compiler objects.</summary>
public class IncrementalityTests
{
    private const string Callbacks = """
        using DreamTrainer;

        namespace Samples;

        [Callback(Priority = 10)]
        public sealed partial class Monitor
        {
            [CallbackState] private int _seen;
            [OnTrainBatchEnd] void Seen() => _seen++;
            [OnTrainEpochEnd] void Epoch(MetricsView metrics) { }
        }

        public sealed partial class Other
        {
            [OnTrainStart] void Start() { }
        }

        public sealed class Batch { }

        public sealed partial class Typed
        {
            [OnTrainBatchEnd] void Seen(Batch batch, object? outputs, object model) { }
            [OnBeforeOptimizerStep] void Clip(GradientView gradients) { }
        }

        [CallbackPipeline]
        public sealed partial class Pipeline
        {
            public Monitor Monitor { get; } = new();
            public Other Other { get; } = new();
        }

        [CallbackPipeline]
        public sealed partial class Outer
        {
            public Pipeline Inner { get; } = new();
            public Typed Typed { get; } = new();
        }
        """;

    private static readonly string[] TrackedNames =
    {
        TrackingNames.HookMethodClasses, TrackingNames.AttributedClasses, TrackingNames.AllCallbacks,
        TrackingNames.Callbacks, TrackingNames.PipelineClasses, TrackingNames.AllPipelines, TrackingNames.Pipelines,
    };

    private static GeneratorDriver CreateDriver() => CSharpGeneratorDriver.Create(
        new[] { new CallbackGenerator().AsSourceGenerator() },
        parseOptions: TestCompilation.ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    private static Dictionary<string, ImmutableArray<IncrementalGeneratorRunStep>> Steps(GeneratorDriver driver) =>
        driver.GetRunResult().Results.Single().TrackedSteps
            .Where(step => TrackedNames.Contains(step.Key))
            .ToDictionary(step => step.Key, step => step.Value);

    private static void AssertAllCached(GeneratorDriver driver, params string[] names)
    {
        Dictionary<string, ImmutableArray<IncrementalGeneratorRunStep>> steps = Steps(driver);

        // The model-building steps must have run; a trigger step whose every transform was skipped
        // (a class found first through another trigger) may not be recorded at all.
        foreach (string required in new[] { TrackingNames.HookMethodClasses, TrackingNames.AllCallbacks, TrackingNames.Callbacks, TrackingNames.PipelineClasses, TrackingNames.AllPipelines, TrackingNames.Pipelines })
        {
            Assert.True(steps.ContainsKey(required), $"step {required} was not tracked; tracked: {string.Join(", ", steps.Keys)}");
        }

        foreach (string name in names.Where(steps.ContainsKey))
        {
            foreach ((object _, IncrementalStepRunReason reason) in steps[name].SelectMany(s => s.Outputs))
            {
                Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name} output was {reason}");
            }
        }
    }

    [Fact]
    public void A_second_run_on_the_same_input_is_entirely_cached()
    {
        CSharpCompilation compilation = TestCompilation.Create(Callbacks);
        GeneratorDriver driver = CreateDriver().RunGenerators(compilation);

        driver = driver.RunGenerators(compilation.Clone());

        AssertAllCached(driver, TrackedNames);
    }

    [Fact]
    public void An_unrelated_edit_leaves_every_step_cached_or_unchanged()
    {
        CSharpCompilation compilation = TestCompilation.Create(Callbacks, "namespace Samples; public class Unrelated { public int Value => 1; }");
        GeneratorDriver driver = CreateDriver().RunGenerators(compilation);
        SyntaxTree unrelated = compilation.SyntaxTrees.Last();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(
            unrelated,
            CSharpSyntaxTree.ParseText("namespace Samples; public class Unrelated { public int Value => 2; public string Name => \"x\"; }", TestCompilation.ParseOptions, unrelated.FilePath));

        driver = driver.RunGenerators(edited);

        AssertAllCached(driver, TrackedNames);
    }

    [Fact]
    public void Changing_a_priority_modifies_that_callback_and_the_pipeline_only()
    {
        CSharpCompilation compilation = TestCompilation.Create(Callbacks);
        GeneratorDriver driver = CreateDriver().RunGenerators(compilation);
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(
            tree,
            CSharpSyntaxTree.ParseText(Callbacks.Replace("Priority = 10", "Priority = 20", StringComparison.Ordinal), TestCompilation.ParseOptions, tree.FilePath));

        driver = driver.RunGenerators(edited);

        Dictionary<string, ImmutableArray<IncrementalGeneratorRunStep>> steps = Steps(driver);
        var callbackOutputs = steps[TrackingNames.Callbacks].SelectMany(s => s.Outputs).ToList();
        var modified = callbackOutputs.Where(o => o.Reason == IncrementalStepRunReason.Modified).Select(o => ((dynamic)o.Value).Scope.FullName).Cast<string>().ToList();
        Assert.Equal(new[] { "Samples.Monitor" }, modified);
        Assert.Contains(callbackOutputs, o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);

        // The pipeline that holds Monitor and the one that nests that pipeline both re-sort their calls.
        var pipelines = steps[TrackingNames.Pipelines].SelectMany(s => s.Outputs).ToList();
        Assert.Equal(2, pipelines.Count);
        Assert.All(pipelines, o => Assert.Equal(IncrementalStepRunReason.Modified, o.Reason));
    }

    [Fact]
    public void Changing_the_type_a_hook_binds_modifies_that_callback_only()
    {
        CSharpCompilation compilation = TestCompilation.Create(Callbacks);
        GeneratorDriver driver = CreateDriver().RunGenerators(compilation);
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(
            tree,
            CSharpSyntaxTree.ParseText(Callbacks.Replace("object? outputs", "Batch? outputs", StringComparison.Ordinal), TestCompilation.ParseOptions, tree.FilePath));

        driver = driver.RunGenerators(edited);

        Dictionary<string, ImmutableArray<IncrementalGeneratorRunStep>> steps = Steps(driver);
        var modified = steps[TrackingNames.Callbacks].SelectMany(s => s.Outputs).Where(o => o.Reason == IncrementalStepRunReason.Modified).Select(o => ((dynamic)o.Value).Scope.FullName).Cast<string>();
        Assert.Equal(new[] { "Samples.Typed" }, modified);
        Assert.All(steps[TrackingNames.Pipelines].SelectMany(s => s.Outputs), o => Assert.NotEqual(IncrementalStepRunReason.Modified, o.Reason));
    }

    [Fact]
    public void No_step_output_holds_a_symbol_a_syntax_node_or_a_compilation()
    {
        CSharpCompilation compilation = TestCompilation.Create(Callbacks);
        GeneratorDriver driver = CreateDriver().RunGenerators(compilation);

        Dictionary<string, ImmutableArray<IncrementalGeneratorRunStep>> steps = Steps(driver);
        Assert.NotEmpty(steps);
        foreach ((object value, IncrementalStepRunReason _) in steps.Values.SelectMany(s => s).SelectMany(s => s.Outputs))
        {
            AssertHoldsNoCompilerObjects(value, new HashSet<object>(ReferenceEqualityComparer.Instance), "output");
        }
    }

    private static void AssertHoldsNoCompilerObjects(object? node, HashSet<object> seen, string path)
    {
        if (node is null || node is string || node.GetType().IsPrimitive || node.GetType().IsEnum || !seen.Add(node))
        {
            return;
        }

        Assert.False(node is ISymbol, $"{path} holds a symbol");
        Assert.False(node is SyntaxNode, $"{path} holds a syntax node");
        Assert.False(node is Compilation, $"{path} holds a compilation");
        Assert.False(node is SemanticModel, $"{path} holds a semantic model");
        if (node is IEnumerable items)
        {
            int i = 0;
            foreach (object? item in items)
            {
                AssertHoldsNoCompilerObjects(item, seen, $"{path}[{i++}]");
            }
        }

        foreach (FieldInfo field in node.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertHoldsNoCompilerObjects(field.GetValue(node), seen, $"{path}.{field.Name}");
        }
    }
}
