using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using DreamTrainer.Generators.Tests.Infrastructure;
using DreamTrainer.Testing;
using Xunit;

namespace DreamTrainer.Generators.Tests;

/// <summary>
/// A [CallbackPipeline] is a group: one callback in a CallbackCollection or in another pipeline,
/// whose members keep their own priorities and state keys, with no forwarding written by hand.
/// </summary>
public class GroupTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using DreamTrainer;

        namespace Samples;

        public static class Journal
        {
            public static readonly List<string> Lines = new();
        }

        [Callback(Priority = 100)]
        public sealed partial class LossMonitor
        {
            [CallbackState] public int Seen;
            [OnTrainBatchEnd] void End(long globalStep) { Seen++; Journal.Lines.Add($"loss {globalStep}"); }
        }

        public sealed partial class GradientMonitor
        {
            [CallbackState] public int Seen;
            [OnTrainBatchEnd] void End(long globalStep) { Seen++; Journal.Lines.Add($"gradient {globalStep}"); }
        }

        [Callback(Priority = 50)]
        public sealed partial class Progress
        {
            [OnTrainBatchEnd] void End(long globalStep) => Journal.Lines.Add($"progress {globalStep}");
        }

        public sealed partial class Breaker
        {
            [OnTrainBatchEnd] void End(long globalStep) { if (globalStep == 1) throw new InvalidOperationException("broken"); }
        }

        [CallbackPipeline]
        public sealed partial class MonitoringGroup
        {
            public LossMonitor Loss { get; } = new();
            public GradientMonitor Gradients { get; } = new();
        }

        [CallbackPipeline]
        public sealed partial class Everything
        {
            public Progress Progress { get; } = new();
            public MonitoringGroup Monitoring { get; } = new();
            public MonitoringGroup? Spare { get; set; }
        }

        [CallbackPipeline]
        public sealed partial class Outer
        {
            public Everything Inner { get; } = new();
            public Breaker Breaker { get; } = new();
        }

        public sealed class Module : ITrainingModule<int>
        {
            public StepResult TrainingStep(int batch, TrainerContext context) => 0.5;
            public StepResult ValidationStep(int batch, TrainerContext context) => 0.5;
        }
        """;

    private static readonly Lazy<Assembly> Compiled = new(() => TestCompilation.GenerateAndLoad(Source));

    private static object New(string type) => Activator.CreateInstance(Compiled.Value.GetType("Samples." + type)!)!;

    private static List<string> Journal()
    {
        var lines = (List<string>)Compiled.Value.GetType("Samples.Journal")!.GetField("Lines")!.GetValue(null)!;
        lines.Clear();
        return lines;
    }

    private static ITrainingModule<int> Module() => (ITrainingModule<int>)New("Module");

    [Fact]
    public void A_pipeline_in_a_CallbackCollection_is_one_entry_whose_members_run_in_priority_order_among_the_others()
    {
        var group = (ICallback)New("MonitoringGroup");
        var progress = (ICallback)New("Progress");
        var callbacks = new CallbackCollection { group, progress };
        List<string> lines = Journal();

        new Trainer(new TrainerOptions { MaxEpochs = 1 }, callbacks).Fit(Module(), new[] { 0 });

        Assert.Equal(new[] { "loss 0", "progress 0", "gradient 0" }, lines);
        Assert.Equal(new[] { group, progress }, callbacks.ToArray());
        Assert.Equal(new[] { "LossMonitor", "GradientMonitor", "Progress" }, callbacks.Callbacks.Select(c => c.GetType().Name));
        Assert.Same(callbacks.Callbacks[1], callbacks.Find<ICallback>() is ICallbackDispatcher found ? found.Callbacks[1] : null);

        Assert.True(callbacks.Remove(group));
        Assert.Equal(new[] { progress }, callbacks.Callbacks);
    }

    [Fact]
    public void Members_keep_their_state_keys_through_a_checkpoint_of_the_group()
    {
        var group = (ICallbackDispatcher)New("MonitoringGroup");
        using var harness = new CallbackTestHarness(new CallbackCollection { (ICallback)group });
        harness.TrainBatchEnd();
        harness.TrainBatchEnd();

        CallbackStateWriter state = harness.SaveState();
        var restored = (ICallbackDispatcher)New("MonitoringGroup");
        new CallbackTestHarness(restored).LoadState(state);

        Assert.Equal(new[] { "Samples.GradientMonitor", "Samples.LossMonitor" }, new CallbackStateReader(state).Names.OrderBy(k => k, StringComparer.Ordinal));
        Assert.All(restored.Callbacks, c => Assert.Equal(2, (int)c.GetType().GetField("Seen")!.GetValue(c)!));
    }

    [Fact]
    public void A_pipeline_inside_a_pipeline_is_flattened_at_compile_time_into_one_priority_order()
    {
        var everything = (ICallbackDispatcher)New("Everything");
        List<string> lines = Journal();

        new Trainer(new TrainerOptions { MaxEpochs = 1 }, everything).Fit(Module(), new[] { 0 });

        Assert.Equal(new[] { "loss 0", "progress 0", "gradient 0" }, lines);
        Assert.Equal(new[] { "Progress", "LossMonitor", "GradientMonitor" }, everything.Callbacks.Select(c => c.GetType().Name));
        Assert.Equal(HookMask.TrainBatchEnd | HookMask.SaveState | HookMask.LoadState, ((ICallback)everything).Hooks);
        Assert.Equal(100, ((ICallback)everything).GetPriority(Hook.TrainBatchEnd));
    }

    [Fact]
    public void An_optional_nested_group_runs_once_set_and_its_members_keep_their_own_state_keys_apart()
    {
        dynamic everything = New("Everything");
        everything.Spare = (dynamic)New("MonitoringGroup");

        Exception error = Assert.Throws<ArgumentException>(() => new Trainer(new TrainerOptions(), (ICallbackDispatcher)everything).Fit(Module(), new[] { 0 }));

        // The spare group's members have the same state keys as the first group's: one run cannot keep both.
        Assert.Contains("keep state under the same state key 'Samples.LossMonitor'", error.Message);
    }

    [Fact]
    public void A_failure_deep_in_a_nested_group_names_the_member_that_threw()
    {
        var outer = (ICallbackDispatcher)New("Outer");

        var error = Assert.Throws<CallbackException>(() => new Trainer(new TrainerOptions(), outer).Fit(Module(), new[] { 0, 1, 2 }));

        Assert.Equal("Samples.Breaker", error.CallbackType);
        Assert.Equal(Hook.TrainBatchEnd, error.Hook);
        Assert.Equal(4, outer.Callbacks.Count);
    }
}
