using System.Linq;
using DreamTrainer.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace DreamTrainer.Generators.Tests;

/// <summary>
/// The generator runs in projects whose default language is older than ours (C# 8 is the default of
/// netstandard2.1 and netcoreapp3.x, C# 9 of net5.0): what it writes must compile there, or a user's
/// build breaks on a file they did not write.
/// </summary>
public sealed class LanguageVersionTests
{
    // Written in C# 8 itself (block namespace, no records, no target-typed new), and touching every
    // part of the emitter: typed bindings (batch, model, optimizer, nullable), state, a class default
    // and a per-hook priority, an error policy, a generic and a nested callback.
    private const string Source = @"
using DreamTrainer;

namespace Samples
{
    [Callback(Priority = -1, OnError = CallbackErrorPolicy.Isolate, StateKey = ""s"")]
    public partial class Everything
    {
        [CallbackState] public int Count { get; set; }
        [CallbackState] public string? Name { get; set; }
        [CallbackState] public double? Best { get; set; }

        [OnTrainBatchEnd(Priority = 3)]
        private void End(int batch, object? model, object? optimizer, in StepOutput output, long globalStep) { }

        [OnTrainEpochEnd]
        private void Epoch(int epoch, MetricsView metrics, TrainerContext context) { }

        [OnSaveState]
        private void Save(CallbackStateWriter writer) { }
    }

    public partial class Generic<T>
    {
        [OnTrainBatchStart]
        private void Start(T batch, int batchIndex) { }
    }

    public static partial class Outer
    {
        internal partial class Inner
        {
            [OnValidationBatchEnd(Priority = int.MinValue)]
            private void End(int batchIndex) { }
        }
    }
}
";

    [Theory]
    [InlineData(LanguageVersion.CSharp8)]
    [InlineData(LanguageVersion.CSharp9)]
    [InlineData(LanguageVersion.CSharp10)]
    public void Generated_code_compiles_without_a_warning_under_older_language_versions(LanguageVersion version)
    {
        var options = TestCompilation.ParseOptions.WithLanguageVersion(version);
        Compilation compilation = TestCompilation.Create(Source);
        compilation = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(Source, options, path: "Source0.cs"));

        (Compilation output, GeneratorDriverRunResult result) = TestCompilation.Generate(compilation, options);

        Assert.All(result.Results, r => Assert.Null(r.Exception));
        Assert.NotEmpty(result.GeneratedTrees);
        Assert.Empty(TestCompilation.Problems(output));
    }
}
