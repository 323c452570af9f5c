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
}
