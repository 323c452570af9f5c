using DreamTrainer.Analyzers.Rules;
using DreamTrainer.Analyzers.Tests.Infrastructure;
using DreamTrainer.Contract;
using Xunit;

namespace DreamTrainer.Analyzers.Tests.Rules;

/// <summary>DT0107: a method named like a Keras/Lightning hook (or like ours) in a class with no hook attributes.</summary>
public class DT0107Tests
{
    [Fact]
    public void Methods_named_like_hooks_in_a_class_without_hook_attributes_are_reported() => AnalyzerVerifier.Verify("""
        using DreamTrainer;

        public sealed class KerasStyle
        {
            public void {|DT0107:on_epoch_begin|}(int epoch) { }
            public void {|DT0107:on_train_batch_end|}(TrainerContext trainer, StepOutput outputs, int batchIndex) { }
            public void {|DT0107:OnEpochEnd|}(int epoch, MetricsView logs) { }
            public void {|DT0107:on_test_batch_begin|}() { }
            public void {|DT0107:OnTrainBatchEnd|}() { }
            public void on_predict_begin() { }
            public void Helper() { }
            public static void on_train_begin() { }
        }
        """);

    [Fact]
    public void Hand_written_callbacks_interface_members_overrides_and_classes_with_hooks_are_left_alone() => AnalyzerVerifier.Verify("""
        using System;
        using DreamTrainer;

        public sealed class HandWritten : ICallback
        {
            public HookMask Hooks => HookMask.TrainEnd;
            public string StateKey => "hand";
            public CallbackErrorPolicy ErrorPolicy => CallbackErrorPolicy.Propagate;
            public int GetPriority(Hook hook) => 0;
            public void OnTrainEnd(TrainerContext context, TrainEndReason reason) { }
        }

        public interface IListener { void OnEpochEnd(); }

        public sealed class Listener : IListener
        {
            public void OnEpochEnd() { }
        }

        public abstract class Base { public abstract void on_epoch_end(); }

        public sealed class Derived : Base
        {
            public override void on_epoch_end() { }
        }

        public sealed partial class Mixed
        {
            [OnTrainStart] void Start() { }
            public void on_epoch_end() { }
        }
        """);

    [Fact]
    public void The_message_names_the_hook_attribute_to_use()
    {
        var diagnostic = Assert.Single(AnalyzerVerifier.Analyze("""
            using DreamTrainer;

            public sealed class Ported
            {
                public void on_epoch_begin(int epoch) { }
            }
            """));

        Assert.Equal(
            "'on_epoch_begin' is named like a training hook, but without a hook attribute the trainer never calls it; mark it [OnTrainEpochStart]",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Every_hook_answers_to_its_own_name_and_its_peer_names_and_no_name_means_two_hooks()
    {
        foreach (HookDefinition hook in HookCatalog.All)
        {
            Assert.Same(hook, HookNames.Find(hook.MethodName));
            Assert.Same(hook, HookNames.FindAttribute(hook.AttributeName));
            foreach (string peer in hook.PeerNames)
            {
                Assert.Same(hook, HookNames.Find(peer));
            }
        }

        Assert.Same(HookCatalog.All[1], HookNames.Find("OnEpochBegin"));
        Assert.Same(HookCatalog.All[8], HookNames.Find("on_test_batch_begin"));
        Assert.Null(HookNames.Find("on_predict_end"));
    }
}
