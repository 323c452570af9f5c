using DreamTrainer.Analyzers.Tests.Infrastructure;
using Xunit;

namespace DreamTrainer.Analyzers.Tests.Rules;

/// <summary>DT0103: a method that cannot be called as a hook.</summary>
public class DT0103Tests
{
    [Fact]
    public void Static_generic_async_and_value_returning_hooks_are_reported() => AnalyzerVerifier.Verify("""
        using System.Threading.Tasks;
        using DreamTrainer;

        public sealed partial class Monitor
        {
            [OnTrainStart] static void {|DT0103:Static|}() { }
            [OnTrainStart] void {|DT0103:Generic|}<T>() { }
            [OnTrainStart] async Task {|DT0103:Async|}() => await Task.Yield();
            [OnTrainStart] int {|DT0103:Returns|}() => 1;
            [OnTrainStart] void Fine() { }
        }
        """);

    [Fact]
    public void A_private_base_hook_is_reported_where_the_derived_callback_also_handles_that_hook() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        public partial class Base
        {
            [OnTrainStart] private void Open() { }
            [OnTrainEnd] private void Close() { }
            [OnTrainEpochEnd] protected void Epoch() { }
        }

        // OnTrainStart: the derived code would call Start only. OnTrainEnd: only the base handles it,
        // its own generated code serves. OnTrainEpochEnd: protected, the derived code calls both.
        public sealed partial class Derived : Base
        {
            [OnTrainStart] void {|DT0103:Start|}() { }
            [OnTrainEpochEnd] void AlsoEpoch() { }
        }
        """);

    [Fact]
    public void A_protected_base_hook_hidden_by_a_class_in_between_is_reported_in_the_callback_below() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        public partial class Root
        {
            [OnTrainStart] protected void Open() { }
            [OnTrainEnd] public void Close() { }
        }

        // Hides both with new: Open (protected) cannot be reached through a Root-typed cast from Leaf,
        // Close (public) can.
        public partial class Middle : Root
        {
            [OnTrainStart] protected new void Open() { }
            [OnTrainEnd] public new void Close() { }
        }

        public sealed partial class {|DT0103:Leaf|} : Middle
        {
            [OnTrainEpochEnd] void Epoch() { }
        }
        """);

    [Fact]
    public void Hooks_in_a_struct_are_reported() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        public partial struct Monitor
        {
            [OnTrainStart] void {|DT0103:Start|}() { }
        }
        """);

    [Fact]
    public void Hooks_in_a_file_local_class_or_one_nested_in_it_are_reported_and_nothing_is_generated() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        file sealed partial class Local
        {
            [OnTrainStart] void {|DT0103:Start|}() { }

            public sealed partial class Inner
            {
                [OnTrainEnd] void {|DT0103:End|}() { }
            }
        }
        """);

    [Fact]
    public void Hooks_in_a_pipeline_are_reported_because_a_group_only_calls_its_members() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        public sealed partial class Monitor
        {
            [OnTrainStart] void Start() { }
        }

        [CallbackPipeline]
        public sealed partial class Group
        {
            public Monitor Monitor { get; } = new();

            [OnTrainEnd] void {|DT0103:Forward|}() { }
        }
        """);
}
