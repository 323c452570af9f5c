using System;
using System.Reflection;
using DreamTrainer.Generators.Tests.Infrastructure;
using Xunit;

namespace DreamTrainer.Generators.Tests;

/// <summary>
/// Zero bytes per training step for a Fit whose callbacks bind the batch (a class and a struct), the
/// step outputs, the model and the optimizer, and for a phased step with the optimizer-step hooks:
/// GC.GetAllocatedBytesForCurrentThread between two steps of the second of two runs.
/// </summary>
[Collection(nameof(AllocationTests))]
public class BindingAllocationTests
{
    private static readonly Lazy<Assembly> Compiled = new(() => TestCompilation.GenerateAndLoad("""
        using System;
        using DreamTrainer;

        namespace Samples;

        public sealed class ImageBatch { public int Id; }
        public readonly struct Pair(long left, long right) { public long Left { get; } = left; public long Right { get; } = right; }
        public sealed class Logits { public long Step; }
        public sealed class Net { public long Seen; }
        public sealed class Sgd { public double Rate = 0.1; }

        /// <summary>Reads the thread's allocation count at two steps; runs last at batch end.</summary>
        [Callback(Priority = -1000)]
        public sealed partial class Meter
        {
            private long _start;
            public long Allocated = -1;
            [OnTrainBatchEnd] void Read(long globalStep)
            {
                if (globalStep == 2_000) _start = GC.GetAllocatedBytesForCurrentThread();
                else if (globalStep == 12_000) Allocated = GC.GetAllocatedBytesForCurrentThread() - _start;
            }
        }

        public sealed partial class ClassBinder
        {
            public long Sum;
            [OnTrainBatchStart] void Start(ImageBatch batch, Net model) => model.Seen += batch.Id;
            [OnTrainBatchEnd] void End(ImageBatch batch, Logits outputs, Sgd optimizer, in StepOutput output) => Sum += batch.Id + outputs.Step + (optimizer.Rate > 0 ? 1 : 0) + output.BatchSize;
        }

        public sealed partial class StructBinder
        {
            public long Sum;
            [OnTrainBatchStart] void Start(in Pair batch) => Sum += batch.Left;
            [OnTrainBatchEnd] void End(Pair batch, Logits? outputs) => Sum += batch.Right + (outputs is null ? 0 : 1);
        }

        public sealed partial class Clipper
        {
            public double Norm;
            [OnAfterBackward] void Measure(GradientView gradients, in Pair batch) => Norm = gradients.GetTotalNorm() + batch.Left * 0;
            [OnBeforeOptimizerStep] void Clip(GradientView gradients, Net model) => Norm = gradients.ClipByNorm(1.0);
            [OnBeforeZeroGrad] void Before(GradientView gradients) => Norm += gradients.ParameterCount;
        }

        public sealed class ClassModule : ITrainingModule<ImageBatch>
        {
            private readonly Logits _logits = new();
            private readonly Net _net = new();
            private readonly Sgd _sgd = new();
            object? ITrainingModule<ImageBatch>.Model => _net;
            object? ITrainingModule<ImageBatch>.Optimizer => _sgd;
            public StepResult TrainingStep(ImageBatch batch, TrainerContext context)
            {
                _logits.Step = batch.Id;
                return new StepResult(0.5, 1, _logits);
            }
            public StepResult ValidationStep(ImageBatch batch, TrainerContext context) => 0.5;
        }

        /// <summary>A struct batch, trained in phases over managed gradients.</summary>
        public sealed class PhasedModule : ITrainingModule<Pair>, IPhasedTrainingStep<Pair>
        {
            private readonly float[] _gradient = new float[2];
            private readonly float[] _weights = new float[2];
            private readonly Net _net = new();
            private readonly ArrayGradients _gradients;
            public PhasedModule() => _gradients = new ArrayGradients(("w", _gradient));
            object? ITrainingModule<Pair>.Model => _net;
            public IGradientControl Gradients => _gradients;
            public StepResult TrainingStep(Pair batch, TrainerContext context) => throw new InvalidOperationException();
            public StepResult ValidationStep(Pair batch, TrainerContext context) => 0.5;
            public StepResult Forward(Pair batch, TrainerContext context) => 0.5;
            public void ZeroGrad() => Array.Clear(_gradient);
            public void Backward(double lossScale) { _gradient[0] += 3; _gradient[1] += 4; }
            public void OptimizerStep() { _weights[0] -= _gradient[0]; _weights[1] -= _gradient[1]; }
        }

        public static class Runner
        {
            public static long Classes()
            {
                var batches = new ImageBatch[13_000];
                for (int i = 0; i < batches.Length; i++) batches[i] = new ImageBatch { Id = i };
                var meter = new Meter();
                var trainer = new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection { new ClassBinder(), meter });
                trainer.Fit(new ClassModule(), batches);
                meter.Allocated = -1;
                trainer.Fit(new ClassModule(), batches);
                return meter.Allocated;
            }

            public static long Structs()
            {
                var batches = new Pair[13_000];
                for (int i = 0; i < batches.Length; i++) batches[i] = new Pair(i, -i);
                var meter = new Meter();
                var trainer = new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection { new StructBinder(), new Clipper(), meter });
                trainer.Fit(new PhasedModule(), batches);
                meter.Allocated = -1;
                trainer.Fit(new PhasedModule(), batches);
                return meter.Allocated;
            }
        }
        """));

    private static long Run(string method) => (long)Compiled.Value.GetType("Samples.Runner")!.GetMethod(method)!.Invoke(null, null)!;

    [Fact]
    public void A_Fit_whose_hooks_bind_a_class_batch_the_outputs_the_model_and_the_optimizer_allocates_nothing_per_step() =>
        Assert.Equal(0, Run("Classes"));

    [Fact]
    public void A_phased_Fit_whose_hooks_bind_a_struct_batch_and_clip_gradients_allocates_nothing_per_step() =>
        Assert.Equal(0, Run("Structs"));
}
