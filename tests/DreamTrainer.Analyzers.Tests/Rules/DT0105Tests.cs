using DreamTrainer.Analyzers.Tests.Infrastructure;
using Xunit;

namespace DreamTrainer.Analyzers.Tests.Rules;

/// <summary>DT0105: a pipeline member that is not a generated callback.</summary>
public class DT0105Tests
{
    [Fact]
    public void Members_that_are_not_callbacks_are_reported() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        public sealed partial class Monitor
        {
            [OnTrainStart] void Start() { }
        }

        public sealed class HandWritten : ICallback
        {
            public HookMask Hooks => HookMask.None;
            public string StateKey => "hand";
            public CallbackErrorPolicy ErrorPolicy => CallbackErrorPolicy.Propagate;
            public int GetPriority(Hook hook) => 0;
        }

        [CallbackPipeline]
        public sealed partial class Callbacks
        {
            public Monitor Monitor { get; } = new();
            public EarlyStoppingCallback Stop { get; } = new();
            public int {|DT0105:Budget|} { get; } = 3;
            public HandWritten {|DT0105:Hand|} { get; } = new();
        }
        """);

    [Fact]
    public void A_nested_pipeline_is_a_callback_but_its_members_must_be_reachable_and_it_cannot_contain_itself()
    {
        AnalyzerVerifier.Verify("""
            using DreamTrainer;

            public sealed partial class Monitor
            {
                [OnTrainStart] void Start() { }
            }

            [CallbackPipeline]
            public sealed partial class Open
            {
                public Monitor Monitor { get; } = new();
                internal Monitor? Spare { get; set; }
            }

            [CallbackPipeline]
            public sealed partial class Closed
            {
                private readonly Monitor _monitor = new();
            }

            [CallbackPipeline]
            public sealed partial class Loop
            {
                public Loop? {|DT0105:Again|} { get; set; }
            }

            [CallbackPipeline]
            public sealed partial class Outer
            {
                public Open Open { get; } = new();
                public Closed {|DT0105:Closed|} { get; } = new();
            }
            """);

        var message = Assert.Single(AnalyzerVerifier.Analyze("""
            using DreamTrainer;

            public sealed partial class Monitor { [OnTrainStart] void Start() { } }

            [CallbackPipeline]
            public sealed partial class Closed { private readonly Monitor _monitor = new(); }

            [CallbackPipeline]
            public sealed partial class Outer { public Closed Closed { get; } = new(); }
            """)).GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(
            "Member 'Closed' of pipeline 'Outer' is pipeline 'Closed', whose member '_monitor' it cannot reach to call in priority order (make '_monitor' internal or public); the pipeline would never call it",
            message);
    }
}
