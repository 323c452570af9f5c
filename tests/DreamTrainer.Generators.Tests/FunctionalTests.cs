using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using DreamTrainer.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DreamTrainer.Generators.Tests;

/// <summary>Callbacks compiled with the generator, run through the real Trainer.</summary>
public class FunctionalTests
{
    private const string Journaled = """
        using System;
        using System.Collections.Generic;
        using DreamTrainer;

        namespace Samples;

        public static class Journal
        {
            public static readonly List<string> Lines = new();
        }

        [Callback(Priority = 1)]
        public sealed partial class Low
        {
            [OnTrainEpochStart] void Start(int epoch) => Journal.Lines.Add($"low.start({epoch})");
            [OnTrainBatchEnd(Priority = 50)] void Batch(long globalStep) => Journal.Lines.Add($"low.batch({globalStep})");
            [OnTrainEpochEnd] void End(MetricsView metrics, int epoch) => Journal.Lines.Add($"low.end({epoch},{metrics.Contains("val_loss")})");
        }

        [Callback(Priority = 10)]
        public sealed partial class High
        {
            [OnTrainEpochStart] void Start(int epoch) => Journal.Lines.Add($"high.start({epoch})");
            [OnTrainBatchEnd] void Batch(in StepOutput output, long globalStep) => Journal.Lines.Add($"high.batch({globalStep})");
            [OnTrainEpochEnd] void End(int epoch) => Journal.Lines.Add($"high.end({epoch})");
            [OnTrainEnd] void Done(TrainEndReason reason) => Journal.Lines.Add($"high.done({reason})");
        }

        public sealed partial class Plain
        {
            [OnTrainEpochStart] void First(int epoch) => Journal.Lines.Add($"plain.first({epoch})");
            [OnTrainEpochStart] void Second() => Journal.Lines.Add("plain.second");
        }

        [CallbackPipeline]
        public sealed partial class Pipeline
        {
            public Plain Plain { get; } = new();
            public Low Low { get; } = new();
            public High High { get; } = new();
        }
        """;

    private static List<string> Lines(Assembly assembly) => (List<string>)assembly.GetType("Samples.Journal")!.GetField("Lines")!.GetValue(null)!;

    private static ICallback New(Assembly assembly, string type) => (ICallback)Activator.CreateInstance(assembly.GetType(type)!)!;

    /// <summary>
    /// Trains a new <paramref name="type"/> 2 epochs of 3 batches, checkpoints, and resumes a second
    /// one from the checkpoint for a third epoch: the first callback, the resumed one and its trainer.
    /// </summary>
    private static (dynamic First, dynamic Resumed, Trainer Trainer) TrainCheckpointAndResume(Assembly assembly, string type)
    {
        string path = Path.Combine(Path.GetTempPath(), $"dt-gen-{Guid.NewGuid():N}.ckpt");
        try
        {
            ICallback first = New(assembly, type);
            var trainer = new Trainer(new TrainerOptions { MaxEpochs = 2 }, new CallbackCollection { first });
            trainer.Fit(new ConstantModule(), new[] { 1, 2, 3 });
            trainer.SaveCheckpoint(path);

            ICallback second = New(assembly, type);
            var resumed = new Trainer(new TrainerOptions { MaxEpochs = 3 }, new CallbackCollection { second });
            resumed.Resume(path, new ConstantModule(), new[] { 1, 2, 3 });
            return (first, second, resumed);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Order_across_classes_follows_priority_then_registration_and_methods_run_in_declaration_order()
    {
        Assembly assembly = TestCompilation.GenerateAndLoad(Journaled);
        var callbacks = new CallbackCollection { New(assembly, "Samples.Plain"), New(assembly, "Samples.Low"), New(assembly, "Samples.High") };

        new Trainer(new TrainerOptions { MaxEpochs = 1 }, callbacks).Fit(new ConstantModule(), new[] { 1, 2 }, new[] { 1 });

        Assert.Equal(
            new[]
            {
                "high.start(0)", "low.start(0)", "plain.first(0)", "plain.second",
                "low.batch(0)", "high.batch(0)", "low.batch(1)", "high.batch(1)",
                "high.end(0)", "low.end(0,True)", "high.done(Completed)",
            },
            Lines(assembly));
    }

    [Fact]
    public void An_overridden_hook_runs_once_and_a_hook_hidden_with_new_runs_beside_the_one_it_hides()
    {
        Assembly assembly = TestCompilation.GenerateAndLoad("""
            using DreamTrainer;

            namespace Samples;

            public static class Journal
            {
                public static readonly System.Collections.Generic.List<string> Lines = new();
            }

            public partial class VirtualBase
            {
                [OnTrainStart] protected virtual void Start() => Journal.Lines.Add("base.start");
                [OnTrainEnd] protected virtual void End() => Journal.Lines.Add("base.end");
                [OnTrainEpochStart] protected void Epoch(int epoch) => Journal.Lines.Add("base.epoch");
            }

            // Start overridden as a hook again, End overridden without the attribute: each runs once, the override.
            public partial class Overriding : VirtualBase
            {
                [OnTrainStart] protected override void Start() => Journal.Lines.Add("overriding.start");
                protected override void End() => Journal.Lines.Add("overriding.end");
            }

            // Deeper: an override of the override, and a method hiding the base's Epoch with new.
            public sealed partial class Hiding : Overriding
            {
                [OnTrainStart] protected override void Start() => Journal.Lines.Add("hiding.start");
                [OnTrainEpochStart] private new void Epoch(int epoch) => Journal.Lines.Add("hiding.epoch");
            }

            // A same-named overload in the derived class must not capture the base's call.
            public sealed partial class Overloading : VirtualBase
            {
                [OnTrainEpochStart] private void Epoch(TrainerContext context) => Journal.Lines.Add("overloading.epoch");
            }
            """);

        foreach ((string type, string[] expected) in new[]
        {
            ("Samples.Overriding", new[] { "overriding.start", "base.epoch", "overriding.end" }),
            ("Samples.Hiding", new[] { "hiding.start", "base.epoch", "hiding.epoch", "overriding.end" }),
            ("Samples.Overloading", new[] { "base.start", "base.epoch", "overloading.epoch", "base.end" }),
        })
        {
            Lines(assembly).Clear();
            new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection { New(assembly, type) }).Fit(new ConstantModule(), new[] { 1 }, new[] { 1 });
            Assert.Equal(expected, Lines(assembly));
        }
    }

    [Fact]
    public void A_generated_pipeline_and_a_collection_of_the_same_callbacks_make_the_same_calls()
    {
        Assembly assembly = TestCompilation.GenerateAndLoad(Journaled);
        var pipeline = (ICallbackDispatcher)Activator.CreateInstance(assembly.GetType("Samples.Pipeline")!)!;
        new Trainer(new TrainerOptions { MaxEpochs = 2 }, pipeline).Fit(new ConstantModule(), new[] { 1, 2, 3 }, new[] { 1 });
        var fromPipeline = Lines(assembly).ToList();
        Lines(assembly).Clear();

        var collection = new CallbackCollection(pipeline.Callbacks);
        new Trainer(new TrainerOptions { MaxEpochs = 2 }, collection).Fit(new ConstantModule(), new[] { 1, 2, 3 }, new[] { 1 });

        Assert.Equal(fromPipeline, Lines(assembly));
        Assert.Equal(25, fromPipeline.Count);
        Assert.Equal(new[] { "Plain", "Low", "High" }, pipeline.Callbacks.Select(c => c.GetType().Name));
    }

    [Fact]
    public void State_members_round_trip_through_a_checkpoint_and_resume()
    {
        Assembly assembly = TestCompilation.GenerateAndLoad("""
            using System.Collections.Generic;
            using DreamTrainer;

            namespace Samples;

            public enum Mode { Min, Max }

            public sealed partial class Counter
            {
                [CallbackState] public int Batches;
                [CallbackState] public double Best = double.PositiveInfinity;
                [CallbackState] public Mode Mode;
                [CallbackState] public List<double> History { get; set; } = new();
                [CallbackState] public float Scale;
                [CallbackState] public int? BestEpoch;

                [OnTrainBatchEnd] void Count() => Batches++;

                [OnTrainEpochEnd]
                void Track(int epoch, MetricsView metrics)
                {
                    History.Add(metrics["loss"]);
                    Best = System.Math.Min(Best, metrics["loss"] - epoch);
                    Mode = Mode.Max;
                    Scale = 0.5f;
                    BestEpoch = epoch;
                }
            }
            """);
        (_, dynamic second, Trainer resumed) = TrainCheckpointAndResume(assembly, "Samples.Counter");
        Assert.Equal(9, (int)second.Batches);
        Assert.Equal(new[] { 0.5, 0.5, 0.5 }, (IEnumerable<double>)second.History);
        Assert.Equal(-1.5, (double)second.Best);
        Assert.Equal("Max", second.Mode.ToString());
        Assert.Equal(0.5f, (float)second.Scale);
        Assert.Equal(2, (int?)second.BestEpoch);
        Assert.Empty(resumed.Context!.Warnings);
    }

    [Fact]
    public void A_base_classes_private_state_survives_a_checkpoint_of_a_derived_callback_without_state_of_its_own()
    {
        Assembly assembly = TestCompilation.GenerateAndLoad("""
            using DreamTrainer;

            namespace Samples;

            public partial class CountingBase
            {
                [CallbackState] private int _batches;
                public int Batches => _batches;
                [OnTrainBatchEnd] protected void Count() => _batches++;
            }

            public sealed partial class Derived : CountingBase
            {
                [OnTrainEnd] private void Done() { }
            }
            """);
        // 6 batches before the checkpoint, 3 after: the base's private counter went through it.
        Assert.Equal(9, (int)TrainCheckpointAndResume(assembly, "Samples.Derived").Resumed.Batches);
    }

    [Fact]
    public void A_callback_deriving_from_one_compiled_elsewhere_keeps_the_bases_private_hook_and_state()
    {
        // The base in its own assembly (a library of callbacks): its private members are invisible
        // to the derived callback's generator, which reads the base's hooks from its [GeneratedCallback].
        (Compilation library, _) = TestCompilation.Generate(TestCompilation.CreateNamed("CallbackLibrary" + Guid.NewGuid().ToString("N"), """
            using DreamTrainer;

            namespace Library;

            public partial class CountingBase
            {
                [CallbackState] private int _batches;
                public int Batches => _batches;
                public int Starts { get; private set; }
                [OnTrainBatchEnd] private void Count() => _batches++;
                [OnTrainStart] private void Start() => Starts++;
            }
            """));
        using var libraryImage = new MemoryStream();
        Assert.True(library.Emit(libraryImage).Success);
        Assembly libraryAssembly = Assembly.Load(libraryImage.ToArray());

        (Compilation user, _) = TestCompilation.Generate(TestCompilation.CreateNamed("User" + Guid.NewGuid().ToString("N"), """
            using DreamTrainer;

            namespace Samples;

            public sealed partial class Derived : Library.CountingBase
            {
                [OnTrainEnd] private void Done() { }
            }
            """).AddReferences(MetadataReference.CreateFromImage(libraryImage.ToArray())));
        Assert.Empty(TestCompilation.Problems(user));
        using var userImage = new MemoryStream();
        Assert.True(user.Emit(userImage).Success);

        ResolveEventHandler resolve = (_, args) => args.Name == libraryAssembly.FullName ? libraryAssembly : null;
        AppDomain.CurrentDomain.AssemblyResolve += resolve;
        try
        {
            (dynamic first, dynamic resumed, _) = TrainCheckpointAndResume(Assembly.Load(userImage.ToArray()), "Samples.Derived");
            Assert.Equal(1, (int)first.Starts);
            Assert.Equal(9, (int)resumed.Batches);
        }
        finally
        {
            AppDomain.CurrentDomain.AssemblyResolve -= resolve;
        }
    }

    [Fact]
    public void The_README_example_compiles_and_runs()
    {
        Assembly assembly = TestCompilation.GenerateAndLoad("""
            using DreamTrainer;

            [Callback(Priority = 10)]
            public sealed partial class LossSpikeMonitor(double threshold)
            {
                [OnTrainBatchEnd]
                void Check(TrainerContext trainer, in StepOutput output)
                {
                    if (output.Loss > threshold) trainer.Log("loss_spike", output.Loss);
                }

                [OnTrainEpochEnd]
                void StopWhenGood(TrainerContext trainer, MetricsView metrics)
                {
                    if (metrics["val_loss"] < 0.01) trainer.RequestStop("val_loss below 0.01");
                }
            }
            """);
        var monitor = (ICallback)Activator.CreateInstance(assembly.GetType("LossSpikeMonitor")!, 0.1)!;

        TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = 5 }, new CallbackCollection { monitor })
            .Fit(new ConstantModule(), new[] { 1 }, new[] { 1 });

        Assert.Equal(0.5, result.History[0]["loss_spike"]);
        Assert.Equal(TrainEndReason.Stopped, result.Reason);
        Assert.Equal("val_loss below 0.01", result.StopReason);
        Assert.Equal(10, monitor.GetPriority(Hook.TrainBatchEnd));
        Assert.Equal("LossSpikeMonitor", monitor.StateKey);
    }

    [Fact]
    public void An_isolated_generated_callback_reports_and_training_goes_on()
    {
        Assembly assembly = TestCompilation.GenerateAndLoad("""
            using DreamTrainer;

            [Callback(OnError = CallbackErrorPolicy.Isolate)]
            public sealed partial class Flaky
            {
                [OnTrainEpochEnd] void Fail() => throw new System.InvalidOperationException("flaky");
            }

            [CallbackPipeline]
            public sealed partial class Pipeline
            {
                public Flaky Flaky { get; } = new();
            }
            """);
        var pipeline = (ICallbackDispatcher)Activator.CreateInstance(assembly.GetType("Pipeline")!)!;

        TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = 3 }, pipeline).Fit(new ConstantModule(), new[] { 1 });

        Assert.Equal(TrainEndReason.Completed, result.Reason);
        Assert.Equal(3, result.Errors.Count);
        Assert.Equal("flaky", result.Errors[0].Exception.Message);
    }

    [Fact]
    public void A_failing_callback_in_a_pipeline_is_named_and_every_callback_gets_OnException_then_TrainEnd_Failed()
    {
        Assembly assembly = TestCompilation.GenerateAndLoad("""
            using System;
            using System.Collections.Generic;
            using DreamTrainer;

            public static class Journal
            {
                public static readonly List<string> Lines = new();
            }

            public sealed partial class Breaker
            {
                [OnTrainBatchEnd] void Step(long globalStep) { if (globalStep == 2) throw new InvalidOperationException("broken at 2"); }
                [OnException] void Failed(Exception exception) => Journal.Lines.Add("breaker saw " + exception.GetType().Name);
                [OnTrainEnd] void End(TrainEndReason reason) => Journal.Lines.Add("breaker end " + reason);
            }

            [Callback(Priority = -1)]
            public sealed partial class Witness
            {
                [OnTrainBatchEnd] void Step(long globalStep) => Journal.Lines.Add("witness " + globalStep);
                [OnException] void Failed(TrainerContext trainer, Exception exception) => Journal.Lines.Add("witness saw " + exception.Message + " from " + trainer.CallbackFailure!.CallbackType);
                [OnTrainEnd] void End(TrainEndReason reason) => Journal.Lines.Add("witness end " + reason);
            }

            [CallbackPipeline]
            public sealed partial class Pipeline
            {
                public Witness Witness { get; } = new();
                public Breaker Breaker { get; } = new();
            }
            """);
        var pipeline = (ICallbackDispatcher)Activator.CreateInstance(assembly.GetType("Pipeline")!)!;

        var error = Assert.Throws<CallbackException>(() => new Trainer(new TrainerOptions { MaxEpochs = 2 }, pipeline).Fit(new ConstantModule(), new[] { 1, 2, 3 }));

        Assert.Equal("Breaker", error.CallbackType);
        Assert.Equal(Hook.TrainBatchEnd, error.Hook);
        Assert.Equal("broken at 2", error.InnerException!.Message);
        var lines = (List<string>)assembly.GetType("Journal")!.GetField("Lines")!.GetValue(null)!;
        Assert.Equal(
            new[] { "witness 0", "witness 1", "breaker saw InvalidOperationException", "witness saw broken at 2 from Breaker", "breaker end Failed", "witness end Failed" },
            lines);
    }

    /// <summary>Loss 0.5 on every training step, 0.001 on validation.</summary>
    internal sealed class ConstantModule : ITrainingModule<int>
    {
        public StepResult TrainingStep(int batch, TrainerContext context) => 0.5;

        public StepResult ValidationStep(int batch, TrainerContext context) => 0.001;
    }
}
