using DreamTrainer.Analyzers.Tests.Infrastructure;
using Xunit;

namespace DreamTrainer.Analyzers.Tests.Rules;

/// <summary>DT0106: a [CallbackState] member the generated code cannot save and restore.</summary>
public class DT0106Tests
{
    [Fact]
    public void Unsupported_readonly_and_getter_only_state_members_are_reported() => AnalyzerVerifier.Verify("""
        using System.Collections.Generic;
        using DreamTrainer;

        public sealed partial class Monitor
        {
            [CallbackState] private object {|DT0106:_anything|} = new();
            [CallbackState] private readonly int {|DT0106:_fixed|} = 1;
            [CallbackState] public int {|DT0106:Count|} => 3;
            [CallbackState] private Dictionary<string, int> {|DT0106:_map|} = new();
            [CallbackState] private int _fine;
            [CallbackState] public List<double> History { get; set; } = new();

            [OnTrainStart] void Start() => _fine = _fixed + _anything.GetHashCode() + _map.Count;
        }
        """);

    [Fact]
    public void A_private_base_state_member_is_reported_where_the_derived_callback_saves_state_of_its_own() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        public partial class Base
        {
            [CallbackState] private int _seen;
            [OnTrainBatchEnd] protected void Count() => _seen++;
        }

        // Saves _mine in its own OnSaveState, which cannot write the base's _seen.
        public sealed partial class WithState : Base
        {
            [CallbackState] private int {|DT0106:_mine|};
            [OnTrainEnd] void Done() => _mine++;
        }

        // No state of its own: the base's generated OnSaveState serves, _seen included.
        public sealed partial class WithoutState : Base
        {
            [OnTrainEnd] void Done() { }
        }
        """);
}
