using DreamTrainer.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DreamTrainer.Generators.Tests;

/// <summary>What the generator writes, pinned by reviewed snapshots in Snapshots/.</summary>
public class SnapshotTests
{
    private static void Check(string source, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        (Compilation output, GeneratorDriverRunResult result) = TestCompilation.Generate(TestCompilation.Create(source));
        Assert.Empty(TestCompilation.Problems(output));
        Snapshot.VerifyGenerated(result, test: test);
    }

    [Fact]
    public void One_hook() => Check("""
        using DreamTrainer;

        namespace Samples;

        [Callback(Priority = 10)]
        public sealed partial class LossSpikeMonitor(double threshold)
        {
            [OnTrainBatchEnd]
            void Check(TrainerContext trainer, in StepOutput output)
            {
                if (output.Loss > threshold) trainer.Log("loss_spike", output.Loss);
            }
        }
        """);

    [Fact]
    public void Every_hook() => Check("""
        using System;
        using DreamTrainer;

        namespace Samples
        {
            public sealed partial class EveryHook
            {
                [OnTrainStart] void TrainStart(TrainerContext context) { }
                [OnTrainEpochStart] void TrainEpochStart(TrainerContext context, int epoch) { }
                [OnTrainBatchStart] void TrainBatchStart(TrainerContext context, int batchIndex, long globalStep) { }
                [OnTrainBatchEnd] void TrainBatchEnd(TrainerContext context, in StepOutput output, int batchIndex, long globalStep) { }
                [OnTrainEpochEnd] void TrainEpochEnd(TrainerContext context, int epoch, MetricsView metrics) { }
                [OnTrainEnd] void TrainEnd(TrainerContext context, TrainEndReason reason) { }
                [OnValidationStart] void ValidationStart(TrainerContext context) { }
                [OnValidationEpochStart] void ValidationEpochStart(TrainerContext context, int epoch) { }
                [OnValidationBatchStart] void ValidationBatchStart(TrainerContext context, int batchIndex, long globalStep) { }
                [OnValidationBatchEnd] void ValidationBatchEnd(TrainerContext context, in StepOutput output, int batchIndex, long globalStep) { }
                [OnValidationEpochEnd] void ValidationEpochEnd(TrainerContext context, int epoch, MetricsView metrics) { }
                [OnValidationEnd] void ValidationEnd(TrainerContext context) { }
                [OnException] void Failed(TrainerContext context, Exception exception) { }
                [OnSaveState] void Save(TrainerContext context, CallbackStateWriter writer) { }
                [OnLoadState] void Load(TrainerContext context, CallbackStateReader reader) { }
                [OnAfterBackward] void AfterBackward(TrainerContext context, GradientView gradients, int batchIndex, long globalStep) { }
                [OnBeforeOptimizerStep] void BeforeOptimizerStep(TrainerContext context, GradientView gradients, int batchIndex, long globalStep) { }
                [OnBeforeZeroGrad] void BeforeZeroGrad(TrainerContext context, GradientView gradients, int batchIndex, long globalStep) { }
            }
        }
        """);

    [Fact]
    public void Binding_orders() => Check("""
        using DreamTrainer;

        namespace Samples;

        public sealed partial class Bindings
        {
            [OnTrainBatchEnd] void NothingAtAll() { }
            [OnTrainBatchEnd] void StepFirst(long globalStep, in StepOutput output, TrainerContext trainer) { }
            [OnTrainBatchEnd] void ByValue(StepOutput output, int BatchIndex) { }
            [OnTrainEpochEnd] void MetricsOnly(MetricsView metrics) { }
            [OnTrainEpochEnd] void Reversed(MetricsView metrics, int epoch, TrainerContext context) { }
        }
        """);

    [Fact]
    public void Class_and_hook_priorities() => Check("""
        using DreamTrainer;

        namespace Samples;

        [Callback(Priority = 5, OnError = CallbackErrorPolicy.Isolate, StateKey = "custom-key")]
        public sealed partial class Prioritised
        {
            [OnTrainStart] void Start() { }
            [OnTrainBatchEnd(Priority = 100)] void Fast() { }
            [OnTrainEpochEnd(Priority = -1)] void Late() { }
        }
        """);

    [Fact]
    public void Rank_zero_callback() => Check("""
        using DreamTrainer;

        namespace Samples;

        [Callback(Ranks = CallbackRanks.Zero, Priority = -5)]
        public sealed partial class FileWriter
        {
            [CallbackState] private int _written;

            [OnTrainBatchEnd]
            void Step(TrainerContext context, long globalStep) => _written++;

            [OnTrainEnd]
            void End(TrainerContext context, TrainEndReason reason) { }
        }
        """);

    [Fact]
    public void Rank_zero_callback_binding_the_batch_in_a_group() => Check("""
        using DreamTrainer;

        namespace Samples;

        public readonly struct Images { }
        public sealed class Net { }

        // Issue 18's rank-aware wiring with issue 14's typed slots: the early return comes first, so
        // no slot is read off rank 0; the group calls the member through ICallback, so it still returns.
        [Callback(Ranks = CallbackRanks.Zero)]
        public sealed partial class Preview
        {
            [OnTrainBatchEnd]
            void Show(in Images batch, Net model, long globalStep) { }
        }

        [CallbackPipeline]
        public sealed partial class Monitoring
        {
            public Preview Preview { get; } = new();
        }
        """);

    [Fact]
    public void State_members() => Check("""
        using System.Collections.Generic;
        using DreamTrainer;

        namespace Samples;

        public enum Mode { Min, Max }

        public sealed partial class Stateful
        {
            [CallbackState] private int _wait;
            [CallbackState(Name = "best_score")] private double _best = double.PositiveInfinity;
            [CallbackState] public long Steps { get; set; }
            [CallbackState] private float _scale;
            [CallbackState] private bool _armed;
            [CallbackState] private string _monitor = "val_loss";
            [CallbackState] private Mode _mode;
            [CallbackState] private int? _bestEpoch;
            [CallbackState] private double[] _window = new double[3];
            [CallbackState] private List<double> _history = new();

            [OnTrainEpochEnd] void Count() => _wait++;
            [OnSaveState] void SaveExtra(CallbackStateWriter writer) => writer.Write("extra", 1);
        }
        """);

    [Fact]
    public void Pipeline() => Check("""
        using DreamTrainer;

        namespace Samples;

        [Callback(Priority = 1)]
        public sealed partial class Logger
        {
            [OnTrainBatchEnd] void Log(in StepOutput output) { }
            [OnTrainEpochEnd] void Epoch() { }
        }

        public sealed partial class Stopper
        {
            [CallbackState] private int _wait;
            [OnTrainEpochEnd(Priority = 10)] void Check() { }
        }

        [CallbackPipeline]
        public sealed partial class TrainingCallbacks
        {
            public Logger Logger { get; } = new();
            private readonly Stopper _stopper = new();
            public int Budget => 3;
        }
        """);

    [Fact]
    public void Pipeline_with_optional_members() => Check("""
        using DreamTrainer;

        namespace Samples;

        public sealed partial class Schedule
        {
            [OnTrainEpochStart(Priority = 5)] void Apply(int epoch) { }
        }

        public sealed partial class Stopper
        {
            [CallbackState] private int _wait;
            [OnTrainEpochEnd] void Check() { }
        }

        [CallbackPipeline]
        public sealed partial class Exercise
        {
            public Schedule? Schedule { get; set; }
            public Stopper Stopper { get; } = new();
            public Stopper? Spare { get; set; }
        }
        """);

    [Fact]
    public void Nested_class() => Check("""
        using DreamTrainer;

        namespace Samples.Deep;

        public static partial class Outer
        {
            internal partial class Middle<T>
            {
                private sealed partial class Inner
                {
                    [OnTrainEnd] void Done(TrainEndReason reason) { }
                }
            }
        }
        """);

    [Fact]
    public void Global_namespace() => Check("""
        using DreamTrainer;

        internal sealed partial class TopLevel
        {
            [OnTrainStart] void Start() { }
        }
        """);

    [Fact]
    public void Inheritance() => Check("""
        using DreamTrainer;

        namespace Samples;

        public partial class BaseMonitor
        {
            [CallbackState] protected int Seen;
            [OnTrainBatchEnd] protected void Count() => Seen++;
            [OnTrainEnd] private void Close() { }
        }

        public sealed partial class DerivedMonitor : BaseMonitor
        {
            [OnTrainBatchEnd(Priority = 3)] void AlsoCount() { }
            [CallbackState] private int _own;
        }
        """);

    [Fact]
    public void Generic_class_with_state_key_property() => Check("""
        using DreamTrainer;

        namespace Samples;

        public sealed partial class Tagged<T>(string name)
        {
            public string StateKey => "tagged/" + name;

            [OnTrainEpochStart] void Start(int epoch) { }
        }
        """);

    [Fact]
    public void Typed_bindings() => Check("""
        using System.Collections.Generic;
        using DreamTrainer;

        namespace Samples;

        public sealed class ImageBatch { }
        public readonly struct Pair { }
        public sealed class Logits { }
        public class Net { }
        public sealed class Sgd { }

        public sealed partial class Guide
        {
            [OnTrainBatchStart] void Start(ImageBatch batch, int batchIndex) { }
            [OnTrainBatchEnd] void End(TrainerContext trainer, in StepOutput output, Logits outputs, ImageBatch batch, int batchIndex) { }
            [OnValidationBatchEnd] void Validated(Logits? outputs, IReadOnlyList<float> batch) { }
            [OnTrainEpochEnd] void Epoch(Net model, Sgd? optimizer) { }
            [OnBeforeOptimizerStep] void Clip(GradientView gradients, in Pair batch) => gradients.ClipByNorm(1.0);
        }

        public sealed partial class ForAnyBatch<TBatch>
        {
            [OnTrainBatchEnd] void End(in TBatch batch, long globalStep) { }
        }
        """);

    [Fact]
    public void Nested_pipelines() => Check("""
        using DreamTrainer;

        namespace Samples;

        [Callback(Priority = 10)]
        public sealed partial class LossMonitor
        {
            [OnTrainBatchEnd] void Check() { }
        }

        [Callback(OnError = CallbackErrorPolicy.Isolate)]
        public sealed partial class GradientMonitor
        {
            [CallbackState] private int _seen;
            [OnTrainBatchEnd] void Check() { }
        }

        public sealed partial class Progress
        {
            [OnTrainBatchEnd(Priority = 5)] void Show() { }
            [OnTrainEnd] void Close() { }
        }

        [CallbackPipeline]
        public sealed partial class MonitoringGroup
        {
            public LossMonitor Loss { get; } = new();
            internal GradientMonitor? Gradients { get; set; }
        }

        [CallbackPipeline]
        public sealed partial class Everything
        {
            public Progress Progress { get; } = new();
            public MonitoringGroup Monitoring { get; } = new();
            public MonitoringGroup? Spare { get; set; }
        }
        """);
}
