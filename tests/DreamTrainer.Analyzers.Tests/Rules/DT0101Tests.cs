using DreamTrainer.Analyzers.Tests.Infrastructure;
using Xunit;

namespace DreamTrainer.Analyzers.Tests.Rules;

/// <summary>DT0101: a callback (or pipeline) class, or a type around it, that is not partial.</summary>
public class DT0101Tests
{
    [Fact]
    public void A_callback_class_without_partial_is_reported() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        public sealed class {|DT0101:Monitor|}
        {
            [OnTrainStart] void Start() { }
        }
        """);

    [Fact]
    public void A_non_partial_outer_type_is_reported() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        public static class {|DT0101:Outer|}
        {
            public sealed partial class Monitor
            {
                [OnTrainStart] void Start() { }
            }
        }
        """);

    [Fact]
    public void A_non_partial_pipeline_is_reported() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        public sealed partial class Monitor
        {
            [OnTrainStart] void Start() { }
        }

        [CallbackPipeline]
        public sealed class {|DT0101:Callbacks|}
        {
            public Monitor Monitor { get; } = new();
        }
        """);

    [Fact]
    public void Partial_callbacks_and_plain_classes_are_not_reported() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        public static partial class Outer
        {
            public sealed partial class Monitor
            {
                [OnTrainStart] void Start() { }
            }
        }

        public sealed class NotACallback
        {
            void Start() { }
        }
        """);
}
