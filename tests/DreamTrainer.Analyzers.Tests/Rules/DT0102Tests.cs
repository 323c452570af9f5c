using DreamTrainer.Analyzers.Tests.Infrastructure;
using Xunit;

namespace DreamTrainer.Analyzers.Tests.Rules;

/// <summary>DT0102: a hook parameter the hook does not offer.</summary>
public class DT0102Tests
{
    [Fact]
    public void Parameters_the_hook_does_not_offer_are_reported_with_what_it_offers()
    {
        AnalyzerVerifier.Verify("""
            using DreamTrainer;

            public sealed partial class Monitor
            {
                [OnTrainEpochStart] void WrongInteger(int {|DT0102:batchIndex|}) { }
                [OnTrainStart] void WrongType(string {|DT0102:name|}) { }
                [OnTrainBatchEnd] void ByRef(ref int {|DT0102:batchIndex|}) { }
                [OnTrainEpochEnd] void Fine(MetricsView metrics, int epoch, TrainerContext trainer) { }
            }
            """);

        var diagnostic = Assert.Single(AnalyzerVerifier.Analyze("""
            using DreamTrainer;

            public sealed partial class Monitor
            {
                [OnTrainEpochStart] void WrongInteger(int batchIndex) { }
            }
            """));
        Assert.Equal(
            "Parameter 'int batchIndex' of 'WrongInteger' cannot be bound in OnTrainEpochStart; the hook offers: TrainerContext context, int epoch, TModel model, TOptimizer optimizer",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("int batchIndex = 0", "int batchIndex", "optional parameters never bind; remove the default value")]
    [InlineData("params int[] batchIndex", "int[] batchIndex", "params parameters never bind; remove 'params'")]
    [InlineData("ref int batchIndex", "int batchIndex", "ref parameters never bind; take it by value")]
    [InlineData("out int batchIndex", "int batchIndex", "out parameters never bind; take it by value")]
    public void A_parameter_the_hook_offers_but_declared_in_a_way_that_never_binds_is_told_why_not_what_is_offered(string declared, string shown, string why)
    {
        // The offered list would name 'int batchIndex' itself, which reads as a contradiction.
        var diagnostic = Assert.Single(AnalyzerVerifier.Analyze($$"""
            using DreamTrainer;

            public sealed partial class Monitor
            {
                [OnTrainBatchEnd] void Hit({{declared}}) { {{(declared.StartsWith("out", System.StringComparison.Ordinal) ? "batchIndex = 0;" : string.Empty)}} }
            }
            """));
        Assert.Equal(
            $"Parameter '{shown}' of 'Hit' cannot be bound in OnTrainBatchEnd; {why}",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_batch_outputs_model_and_optimizer_bind_by_name_where_the_hook_offers_them_and_the_message_lists_them()
    {
        AnalyzerVerifier.Verify("""
            using System;
            using DreamTrainer;

            public sealed class ImageBatch { }
            public ref struct Span2 { }

            public sealed partial class Monitor
            {
                [OnTrainBatchEnd] void Fine(ImageBatch batch, object outputs, Version model, string optimizer, in StepOutput output) { }
                [OnTrainBatchStart] void ByReference(in ImageBatch batch) { }
                [OnTrainEpochEnd] void NoBatchAtEpochEnd(ImageBatch {|DT0102:batch|}) { }
                [OnTrainBatchStart] void NoOutputsBeforeTheStep(ImageBatch {|DT0102:outputs|}) { }
                [OnTrainBatchEnd] void RefBatch(ref ImageBatch {|DT0102:batch|}) { }
                [OnTrainBatchEnd] void RefStructBatch(Span2 {|DT0102:batch|}) { }
                [OnTrainBatchEnd] void DynamicModel(dynamic {|DT0102:model|}) { }
                [OnTrainBatchEnd] void Unnamed(ImageBatch {|DT0102:input|}) { }
                [OnAfterBackward] void InThePhases(GradientView gradients, ImageBatch batch, Version model) { }
            }
            """);

        var diagnostic = Assert.Single(AnalyzerVerifier.Analyze("""
            using DreamTrainer;

            public sealed partial class Monitor
            {
                [OnTrainBatchEnd] void Wrong(string input) { }
            }
            """));
        Assert.Equal(
            "Parameter 'string input' of 'Wrong' cannot be bound in OnTrainBatchEnd; the hook offers: TrainerContext context, in StepOutput output, int batchIndex, long globalStep, TBatch batch, TOutputs outputs, TModel model, TOptimizer optimizer",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }
}
