using DreamTrainer.Analyzers.Tests.Infrastructure;
using Xunit;

namespace DreamTrainer.Analyzers.Tests.Rules;

/// <summary>DT0109: a ported callback deriving from a Callback base class, which DreamTrainer does not have.</summary>
public class DT0109Tests
{
    [Fact]
    public void The_missing_base_is_marked_once_per_class() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        public class MyCallback : {|DT0109:Callback|}
        {
        }

        public partial class Split : {|DT0109:Callback|}
        {
        }

        public partial class Split
        {
        }
        """, allowCompilerErrors: true);

    [Fact]
    public void A_class_deriving_from_a_missing_Callback_gets_one_message_explaining_the_partial_class_model()
    {
        var diagnostics = AnalyzerVerifier.Analyze("""
            using DreamTrainer;

            public class MyCallback : Callback
            {
                public void Report() { }
            }

            public class Qualified : pl.Callback, System.IDisposable
            {
                public void Dispose() { }
            }

            public class SomethingElse : MissingBase
            {
            }
            """, allowCompilerErrors: true);

        Assert.Equal(
            new[]
            {
                "'MyCallback' derives from 'Callback', which DreamTrainer does not have: a callback is a partial class whose methods carry hook attributes ([OnTrainBatchEnd], …), and the generator implements ICallback for it; remove ': Callback' and make 'MyCallback' partial",
                "'Qualified' derives from 'pl.Callback', which DreamTrainer does not have: a callback is a partial class whose methods carry hook attributes ([OnTrainBatchEnd], …), and the generator implements ICallback for it; remove ': pl.Callback' and make 'Qualified' partial",
            },
            AnalyzerVerifier.Messages(diagnostics, "DT0109"));
    }
}
