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
}
