using System.Threading.Tasks;
using DreamTrainer.Analyzers.Tests.Infrastructure;
using DreamTrainer.CodeFixes;
using Xunit;

namespace DreamTrainer.Analyzers.Tests.CodeFixes;

public class AddPartialCodeFixTests
{
    [Fact]
    public async Task Adds_partial_after_the_other_modifiers()
    {
        string fixedSource = await CodeFixVerifier.ApplyAsync(new AddPartialCodeFix(), """
            using DreamTrainer;

            public sealed class Monitor
            {
                [OnTrainStart] void Start() { }
            }
            """, "DreamTrainer.AddPartial", fixAll: false);

        Assert.Equal("""
            using DreamTrainer;

            public sealed partial class Monitor
            {
                [OnTrainStart] void Start() { }
            }
            """, fixedSource);
    }

    [Fact]
    public async Task Fix_all_in_document_makes_every_callback_and_outer_type_partial()
    {
        string fixedSource = await CodeFixVerifier.ApplyAsync(new AddPartialCodeFix(), """
            using DreamTrainer;

            class First
            {
                [OnTrainStart] void Start() { }
            }

            public static class Outer
            {
                internal sealed partial class Second
                {
                    [OnTrainEnd] void End() { }
                }
            }
            """, "DreamTrainer.AddPartial", fixAll: true);

        Assert.Equal("""
            using DreamTrainer;

            partial class First
            {
                [OnTrainStart] void Start() { }
            }

            public static partial class Outer
            {
                internal sealed partial class Second
                {
                    [OnTrainEnd] void End() { }
                }
            }
            """, fixedSource);
    }
}
