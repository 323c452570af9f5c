using DreamTrainer.Analyzers.Tests.Infrastructure;
using Xunit;

namespace DreamTrainer.Analyzers.Tests.Rules;

/// <summary>DT0104: two callback classes with the same explicit state key.</summary>
public class DT0104Tests
{
    [Fact]
    public void A_state_key_used_twice_is_reported_once_on_the_second_user() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        [Callback(StateKey = "shared")]
        public sealed partial class A
        {
            [OnTrainStart] void Start() { }
        }

        [{|DT0104:Callback(StateKey = "shared")|}]
        public sealed partial class B
        {
            [OnTrainStart] void Start() { }
        }

        [Callback(StateKey = "unique")]
        public sealed partial class C
        {
            [OnTrainStart] void Start() { }
        }
        """);
}
