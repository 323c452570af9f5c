using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using DreamTrainer.Generators.Tests.Infrastructure;
using DreamTrainer.Testing;
using Xunit;

namespace DreamTrainer.Generators.Tests;

/// <summary>Hooks that bind the batch, the step outputs, the model and the optimizer by their types, through the real Trainer.</summary>
public class BindingTests
{
    private const string Source = """
        using System.Collections.Generic;
        using DreamTrainer;

        namespace Samples;

        public sealed class ImageBatch { public int Id; public float[] Pixels = new float[4]; }
        public readonly struct Pair(int left, int right) { public int Left { get; } = left; public int Right { get; } = right; }
        public sealed class Logits { public int Step; public float Best; }
        public class Net { public int Layers = 2; }
        public sealed class DeepNet : Net { }
        public sealed class Sgd { public double Rate = 0.1; }

        public sealed class ImageModule : ITrainingModule<ImageBatch>
        {
            private readonly Logits _logits = new();
            public Net Net { get; set; } = new DeepNet();
            public bool NoOutputs { get; set; }
            object? ITrainingModule<ImageBatch>.Model => Net;
            object? ITrainingModule<ImageBatch>.Optimizer => new Sgd();
            public StepResult TrainingStep(ImageBatch batch, TrainerContext context)
            {
                _logits.Step = batch.Id;
                _logits.Best = batch.Pixels[0];
                return new StepResult(0.5, 1, NoOutputs ? null : _logits);
            }
            public StepResult ValidationStep(ImageBatch batch, TrainerContext context) => new StepResult(0.25, 1, _logits);
        }

        public sealed class PairModule : ITrainingModule<Pair>
        {
            public StepResult TrainingStep(Pair batch, TrainerContext context) => batch.Left + batch.Right;
            public StepResult ValidationStep(Pair batch, TrainerContext context) => 0;
        }

        public sealed partial class ImageWatcher
        {
            public readonly List<string> Seen = new();
            [OnTrainBatchStart] void Start(ImageBatch batch, int batchIndex) => Seen.Add($"start {batch.Id}@{batchIndex}");
            [OnTrainBatchEnd] void End(TrainerContext trainer, in StepOutput output, Logits outputs, ImageBatch batch) => Seen.Add($"end {batch.Id} logits {outputs.Step} loss {output.Loss}");
            [OnValidationBatchEnd] void Validated(ImageBatch batch, Logits? outputs) => Seen.Add($"val {batch.Id} {outputs?.Step}");
            [OnTrainStart] void Begin(Net model, Sgd optimizer) => Seen.Add($"model {model.GetType().Name} layers {model.Layers}, lr {optimizer.Rate}");
        }

        public sealed partial class PairWatcher
        {
            public readonly List<string> Seen = new();
            [OnTrainBatchStart] void Start(in Pair batch) => Seen.Add($"in {batch.Left},{batch.Right}");
            [OnTrainBatchEnd] void End(Pair batch, long globalStep) => Seen.Add($"copy {batch.Left},{batch.Right} at {globalStep}");
        }

        public sealed partial class WrongBatch
        {
            public bool Started;
            [OnTrainStart] void Begin() => Started = true;
            [OnTrainBatchEnd] void Check(string batch) { }
        }

        public sealed partial class WrongModel
        {
            [OnTrainEpochEnd] void Check(Sgd model, Net optimizer) { }
        }

        public sealed partial class NeedsOutputs
        {
            [OnTrainBatchEnd] void Check(Logits outputs) { }
        }

        public sealed partial class WrongOutputs
        {
            [OnTrainBatchEnd] void Check(ImageBatch outputs) { }
        }
        """;

    private static readonly Lazy<Assembly> Compiled = new(() => TestCompilation.GenerateAndLoad(Source));

    private static object New(string type) => Activator.CreateInstance(Compiled.Value.GetType("Samples." + type)!)!;

    private static List<string> Seen(object callback) => (List<string>)callback.GetType().GetField("Seen")!.GetValue(callback)!;

    private static dynamic Batches(int count)
    {
        Type batchType = Compiled.Value.GetType("Samples.ImageBatch")!;
        var batches = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(batchType))!;
        for (int i = 0; i < count; i++)
        {
            dynamic batch = Activator.CreateInstance(batchType)!;
            batch.Id = 10 + i;
            batch.Pixels[0] = i;
            batches.Add(batch);
        }

        return batches;
    }

    private static TrainResult Fit(object module, object data, params ICallback[] callbacks)
    {
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection(callbacks));
        return Fit(trainer, module, data);
    }

    private static TrainResult Fit(Trainer trainer, object module, object data, object? validation = null) =>
        (TrainResult)typeof(BindingTests).GetMethod(nameof(FitTyped), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(module.GetType().GetInterfaces()[0].GetGenericArguments()[0])
            .Invoke(null, new[] { trainer, module, data, validation })!;

    private static TrainResult FitTyped<TBatch>(Trainer trainer, ITrainingModule<TBatch> module, IEnumerable<TBatch> data, IEnumerable<TBatch>? validation) =>
        trainer.Fit(module, data, validation);

    private static Exception Unwrap(Exception error) => error is TargetInvocationException { InnerException: { } inner } ? inner : error;

    [Fact]
    public void Batch_hooks_bind_a_class_batch_the_step_outputs_the_model_and_the_optimizer_by_their_types()
    {
        object watcher = New("ImageWatcher");
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection { (ICallback)watcher });

        Fit(trainer, New("ImageModule"), Batches(2), Batches(1));

        Assert.Equal(
            new[] { "model DeepNet layers 2, lr 0.1", "start 10@0", "end 10 logits 10 loss 0.5", "start 11@1", "end 11 logits 11 loss 0.5", "val 10 11" },
            Seen(watcher));
    }

    [Fact]
    public void A_struct_batch_binds_by_reference_or_by_value_without_boxing()
    {
        object watcher = New("PairWatcher");
        Type pair = Compiled.Value.GetType("Samples.Pair")!;
        var data = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(pair))!;
        data.Add(Activator.CreateInstance(pair, 1, 2));
        data.Add(Activator.CreateInstance(pair, 3, 4));

        Fit(New("PairModule"), data, (ICallback)watcher);

        Assert.Equal(new[] { "in 1,2", "copy 1,2 at 0", "in 3,4", "copy 3,4 at 1" }, Seen(watcher));
    }

    [Fact]
    public void A_batch_of_another_type_fails_when_Fit_starts_naming_the_hook_the_expected_and_the_actual_type()
    {
        object wrong = New("WrongBatch");

        Exception error = Unwrap(Assert.ThrowsAny<Exception>(() => Fit(New("ImageModule"), Batches(3), (ICallback)wrong)));

        var invalid = Assert.IsType<InvalidOperationException>(error);
        Assert.Equal(
            "Callback 'Samples.WrongBatch' binds the batch in OnTrainBatchEnd (method 'Check') as 'System.String', but the data yields 'Samples.ImageBatch'.",
            invalid.Message);
        Assert.False((bool)wrong.GetType().GetField("Started")!.GetValue(wrong)!, "no hook ran");
    }

    [Fact]
    public void A_model_or_optimizer_of_another_type_fails_when_Fit_starts_with_every_mismatch_listed()
    {
        Exception error = Unwrap(Assert.ThrowsAny<Exception>(() => Fit(New("ImageModule"), Batches(1), (ICallback)New("WrongModel"))));

        string message = Assert.IsType<InvalidOperationException>(error).Message;
        Assert.Contains("2 hook parameters do not fit this run:", message);
        Assert.Contains("binds the model in OnTrainEpochEnd (method 'Check') as 'Samples.Sgd', but the module's model (ITrainingModule.Model) is 'Samples.DeepNet'", message);
        Assert.Contains("binds the optimizer in OnTrainEpochEnd (method 'Check') as 'Samples.Net', but the module's optimizer (ITrainingModule.Optimizer) is 'Samples.Sgd'", message);
    }

    [Fact]
    public void Step_outputs_of_another_type_or_missing_fail_at_the_first_step_before_any_batch_end_hook()
    {
        dynamic module = New("ImageModule");
        module.NoOutputs = true;
        Exception missing = Unwrap(Assert.ThrowsAny<Exception>(() => Fit((object)module, Batches(2), (ICallback)New("NeedsOutputs"))));
        Exception wrong = Unwrap(Assert.ThrowsAny<Exception>(() => Fit(New("ImageModule"), Batches(2), (ICallback)New("WrongOutputs"))));

        Assert.Equal(
            "Callback 'Samples.NeedsOutputs' binds the step outputs in OnTrainBatchEnd (method 'Check') as 'Samples.Logits', but the training step returned none (StepResult.Outputs is null); declare it 'Samples.Logits? outputs' if some steps have none.",
            Assert.IsType<InvalidOperationException>(missing).Message);
        Assert.Equal(
            "Callback 'Samples.WrongOutputs' binds the step outputs in OnTrainBatchEnd (method 'Check') as 'Samples.ImageBatch', but the training step returned 'Samples.Logits'.",
            Assert.IsType<InvalidOperationException>(wrong).Message);
    }

    [Fact]
    public void The_harness_passes_the_batch_and_outputs_a_step_would_and_checks_their_types_the_same_way()
    {
        object watcher = New("ImageWatcher");
        using var harness = new CallbackTestHarness((ICallback)watcher);
        dynamic batch = Activator.CreateInstance(Compiled.Value.GetType("Samples.ImageBatch")!)!;
        batch.Id = 7;
        dynamic logits = Activator.CreateInstance(Compiled.Value.GetType("Samples.Logits")!)!;
        logits.Step = 3;

        // As TrainBatchStart<ImageBatch>(batch, batchIndex: 4) where the type is known at compile time.
        typeof(CallbackTestHarness).GetMethods().Single(m => m.Name == nameof(CallbackTestHarness.TrainBatchStart) && m.IsGenericMethod)
            .MakeGenericMethod(Compiled.Value.GetType("Samples.ImageBatch")!)
            .Invoke(harness, new object?[] { batch, 4, null });
        Exception untyped = Assert.Throws<InvalidOperationException>(() => harness.TrainBatchStart<object>((object)batch));
        Exception noOutputs = Assert.Throws<InvalidOperationException>(() => harness.TrainBatchEnd(loss: 2.0));
        harness.TrainBatchEnd(loss: 2.0, outputs: (object)logits);
        Exception noBatch = Assert.Throws<InvalidOperationException>(() => new CallbackTestHarness((ICallback)New("PairWatcher")).TrainBatchStart(batchIndex: 0));

        Assert.Equal(new[] { "start 7@4", "end 7 logits 3 loss 2" }, Seen(watcher));
        Assert.EndsWith("as 'Samples.ImageBatch', but the harness call yields 'System.Object'.", untyped.Message);
        Assert.Contains("but the harness step returned none", noOutputs.Message);
        Assert.Equal("Callback 'Samples.PairWatcher' binds the batch in OnTrainBatchStart (method 'Start') as 'Samples.Pair', but the harness call gives no batch.", noBatch.Message);
    }
}
