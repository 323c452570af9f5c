using DreamTrainer.Analyzers.Tests.Infrastructure;
using Xunit;

namespace DreamTrainer.Analyzers.Tests.Rules;

/// <summary>DT0108: an attribute named like a hook (Keras' or Lightning's words) that is not one of ours.</summary>
public class DT0108Tests
{
    [Fact]
    public void Unknown_hook_like_attributes_on_methods_are_marked() => AnalyzerVerifier.Verify("""
        using System;
        using DreamTrainer;

        public sealed partial class Monitor
        {
            [{|DT0108:OnEpochBegin|}] void Begin(int epoch) { }
            [{|DT0108:on_validation_batch_end|}] void Validated() { }
            [OnTrainStart] void Start() { }
            [Obsolete] void Old() { }
            [Unrelated] void Other() { }
        }
        """, allowCompilerErrors: true);

    [Fact]
    public void Unknown_hook_like_attributes_on_methods_are_reported_with_the_matching_hook()
    {
        var diagnostics = AnalyzerVerifier.Analyze("""
            using DreamTrainer;

            public sealed partial class Monitor
            {
                [OnEpochBegin] void Begin(int epoch) { }
                [on_train_batch_end] void End() { }
                [OnBatchEndAttribute(Priority = 3)] void Batch() { }
                [OnTrainStart] void Start() { }
                [Obsolete] void Old() { }
            }
            """, allowCompilerErrors: true);

        Assert.Equal(
            new[]
            {
                "[OnEpochBegin] is not a DreamTrainer hook; the matching hook is [OnTrainEpochStart]",
                "[on_train_batch_end] is not a DreamTrainer hook; the matching hook is [OnTrainBatchEnd]",
                "[OnBatchEndAttribute] is not a DreamTrainer hook; the matching hook is [OnTrainBatchEnd]",
            },
            AnalyzerVerifier.Messages(diagnostics, "DT0108"));
    }

    [Fact]
    public void An_attribute_of_ours_missing_its_using_is_left_to_the_compiler()
    {
        var diagnostics = AnalyzerVerifier.Analyze("""
            public sealed partial class Monitor
            {
                [OnTrainStart] void Start() { }
            }

            public static class Anchor { public static System.Type T = typeof(DreamTrainer.TrainerContext); }
            """, allowCompilerErrors: true);

        Assert.Empty(AnalyzerVerifier.Messages(diagnostics, "DT0108"));
    }
}
