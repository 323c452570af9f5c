using System.Linq;
using DreamTrainer.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DreamTrainer.Generators.Tests;

public class RobustnessTests
{
    [Fact]
    public void The_corpus_has_at_least_twenty_cases()
    {
        Assert.True(MalformedCorpus.Sources.Count >= 20);
    }

    [Theory]
    [MemberData(nameof(MalformedCorpus.Cases), MemberType = typeof(MalformedCorpus))]
    public void The_generator_never_throws_and_never_adds_errors_of_its_own(string name)
    {
        string source = MalformedCorpus.Sources[name];
        Compilation input = TestCompilation.Create(source);

        (Compilation output, GeneratorDriverRunResult result) = TestCompilation.Generate(input);

        Assert.All(result.Results, r => Assert.Null(r.Exception));
        Assert.Empty(result.Diagnostics);

        // Whatever the generator emitted compiles: it adds no error the input did not already have.
        var before = input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).ToHashSet();
        var added = output.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree is { } tree && tree.FilePath.EndsWith(".g.cs", System.StringComparison.Ordinal))
            .Where(d => !before.Contains(d.Id))
            .ToList();
        Assert.Empty(added);
    }

    [Fact]
    public void What_cannot_bind_is_skipped_and_the_rest_of_the_class_is_still_generated()
    {
        (Compilation output, GeneratorDriverRunResult result) = TestCompilation.Generate(TestCompilation.Create("""
            using DreamTrainer;

            public sealed partial class Mixed
            {
                [OnTrainEpochStart] void Wrong(int batchIndex) { }
                [OnTrainEpochStart] static void Static() { }
                [OnTrainEnd] void Right(TrainEndReason reason) { }
            }
            """));

        string generated = Assert.Single(result.GeneratedTrees).ToString();
        Assert.Contains("HookMask.TrainEnd;", generated, System.StringComparison.Ordinal);
        Assert.DoesNotContain("Wrong(", generated, System.StringComparison.Ordinal);
        Assert.DoesNotContain("Static(", generated, System.StringComparison.Ordinal);
        Assert.Empty(TestCompilation.Problems(output));
    }

    [Fact]
    public void A_class_with_only_the_Callback_attribute_is_a_callback_as_documented()
    {
        // generator.md: a class is a callback when it has a hook method, [Callback] or a [CallbackState]
        // member. Without the generated part, adding it to a collection failed with CS0266.
        (Compilation output, _) = TestCompilation.Generate(TestCompilation.Create("""
            using DreamTrainer;

            [Callback(Priority = 2)]
            public sealed partial class Quiet { }

            public static class Use
            {
                public static ICallback Make() => new Quiet();
            }
            """));

        Assert.Empty(TestCompilation.Problems(output));
    }
}
