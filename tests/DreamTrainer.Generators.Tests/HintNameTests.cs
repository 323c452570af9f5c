using System;
using System.Collections.Generic;
using System.Linq;
using DreamTrainer.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DreamTrainer.Generators.Tests;

/// <summary>
/// Issue 11, defect 2: the compiler compares generated file names case-insensitively, so two
/// callbacks whose names differ only in case (TorchSharp's <c>AutoAugment</c> / <c>autoaugment</c>)
/// failed the whole generator with CS8785. Every type gets its own file, whatever its name.
/// </summary>
public class HintNameTests
{
    private const string Colliding = """
        #pragma warning disable CS8981 // lower-case type names, as TorchSharp declares them
        using DreamTrainer;

        namespace Vision
        {
            public sealed partial class Augment { [OnTrainStart] void Start() { } }
            public sealed partial class augment { [OnTrainStart] void Start() { } }
            public sealed partial class AUGMENT { [OnTrainEnd] void End() { } }

            [CallbackPipeline] public sealed partial class Stack { public Augment A { get; } = new(); }
            [CallbackPipeline] public sealed partial class stack { public augment A { get; } = new(); }

            // Same readable name "Vision.Outer_1.Inner" as the class in namespace Vision.Outer_1.
            public sealed partial class Outer<T> { public sealed partial class Inner { [OnTrainStart] void Start() { } } }

            // Same readable name "Vision.Box_1" as Box<T>.
            public sealed partial class Box_1 { [OnTrainStart] void Start() { } }
            public sealed partial class Box<T> { [OnTrainStart] void Start() { } }
        }

        namespace Vision.Outer_1
        {
            public sealed partial class Inner { [OnTrainStart] void Start() { } }
        }
        """;

    private static readonly string[] CollidingTypes =
    {
        "Vision.Augment", "Vision.augment", "Vision.AUGMENT", "Vision.Stack", "Vision.stack",
        "Vision.Outer_1.Inner", "Vision.Outer`1+Inner", "Vision.Box_1", "Vision.Box`1",
    };

    [Fact]
    public void Names_that_differ_only_in_case_or_collide_once_made_readable_each_get_their_own_file()
    {
        (Compilation output, GeneratorDriverRunResult result) = TestCompilation.Generate(TestCompilation.Create(Colliding));

        Assert.All(result.Results, r => Assert.Null(r.Exception));
        Assert.Empty(result.Diagnostics);
        Assert.Empty(TestCompilation.Problems(output));
        var hints = result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName).ToList();
        Assert.Equal(hints.Count, hints.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(9, hints.Count);
        foreach (string type in CollidingTypes)
        {
            Assert.True(output.GetTypeByMetadataName(type)?.AllInterfaces.Any(i => i.Name is "ICallback" or "ICallbackDispatcher") == true, $"{type} was not generated.");
        }
    }

    [Fact]
    public void File_names_stay_readable_when_nothing_collides_and_do_not_depend_on_declaration_order()
    {
        string first = """
            using DreamTrainer;
            namespace Vision;
            public sealed partial class Augment { [OnTrainStart] void Start() { } }
            public sealed partial class Crop { [OnTrainStart] void Start() { } }
            """;
        string second = """
            using DreamTrainer;
            namespace Vision;
            public sealed partial class augment { [OnTrainStart] void Start() { } }
            """;

        List<string> forward = HintNames(first, second);
        List<string> backward = HintNames(second, first);

        // The suffix is a hash of the exact name (FNV-1a), the same in every process.
        Assert.Equal(new[] { "Vision.Augment-0dbd7bb8.Callback.g.cs", "Vision.Crop.Callback.g.cs", "Vision.augment-c09d6158.Callback.g.cs" }, forward);
        Assert.Equal(forward, backward);
    }

    private static List<string> HintNames(params string[] sources)
    {
        (_, GeneratorDriverRunResult result) = TestCompilation.Generate(TestCompilation.Create(sources));
        Assert.Empty(result.Diagnostics);
        return result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName).OrderBy(h => h, StringComparer.Ordinal).ToList();
    }
}
