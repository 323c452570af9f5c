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
