using DreamTrainer.Analyzers.Tests.Infrastructure;
using DreamTrainer.Analyzers.Tests.Rules;
using Xunit;

namespace DreamTrainer.Analyzers.Tests;

/// <summary>
/// Issue 11, defect 1: a nested null-conditional call in a callback (<c>_name?.Trim()?.Length</c>)
/// made the mutation analyzer's receiver walk return to the same operation forever, and the build
/// never ended. Every analysis here runs under <see cref="AnalyzerVerifier.HangBudget"/>: a walk
/// that loops fails the test instead of hanging it.
/// </summary>
public class TerminationTests
{
    [Theory]
    [InlineData("int n = _name?.Trim()?.Length ?? 0;")]
    [InlineData("int? n = _name?.Length;")]
    [InlineData("string? s = _name?.Trim()?.Trim()?.Trim()?.Trim()?.Trim()?.ToUpperInvariant();")]
    [InlineData("int? n = _self?._self?._self?._self?._self?._name?.Length;")]
    [InlineData("int? n = _self?.Self()?.Self()?._names?[0]?.Trim()?.Length;")]
    [InlineData("_self?.Self()?.Touch();")]
    [InlineData("string? s = trainer?.Model?.ToString()?.Trim();")]
    [InlineData("var n = (trainer.Model as Named)?._self?.Self()?._name?.Trim();")]
    [InlineData("int? n = _names?[0]?.Trim()?[0].GetHashCode();")]
    public void A_nested_null_conditional_chain_finishes(string statement)
    {
        AnalyzerVerifier.Analyze($$"""
            using DreamTrainer;

            public sealed partial class Named
            {
                private string? _name;
                private string?[]? _names;
                private Named? _self;

                internal Named? Self() => _self;

                internal void Touch() { }

                [OnTrainStart]
                void Start(TrainerContext trainer)
                {
                    {{statement}}
                }
            }
            """);
    }

    [Fact]
    public void A_mutation_at_the_end_of_a_null_conditional_chain_is_still_reported_and_reads_are_not() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        public sealed partial class Chained
        {
            [OnTrainStart]
            void Start(TrainerContext trainer)
            {
                (trainer.Model as Net)?.Weight?{|DT0201:.requires_grad_(false)|};
                (trainer.Model as Net)?.parameters()?[0]?{|DT0201:.add_(null!)|};
                (trainer.Model as Net)?{|DT0201:.eval()|};
                float? read = (trainer.Model as Net)?.Weight?.detach()?.item();
                int? length = trainer.Model?.ToString()?.Trim()?.Length;
            }
        }
        """ + TorchLike.Source);
}
