using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using DreamTrainer.Generators.Tests.Infrastructure;
using DreamTrainer.Tests.Distributed;
using Xunit;

namespace DreamTrainer.Generators.Tests;

/// <summary>
/// A rank-zero callback (<c>[Callback(Ranks = CallbackRanks.Zero)]</c>) keeps its rule as a member of
/// a group: in a CallbackCollection, in a pipeline nested in another, and with the group as the
/// trainer's dispatcher — trained on two ranks (threads of one process with real collectives).
/// </summary>
public class RankGroupTests
{
    private const string Source = """
        using System.Collections.Generic;
        using DreamTrainer;

        namespace RankSamples;

        public sealed class Trace
        {
            public List<string> Lines { get; } = new();
        }

        [Callback(Ranks = CallbackRanks.Zero, Priority = 10)]
        public sealed partial class RankZeroLog
        {
            public Trace? Trace { get; set; }
            [OnTrainStart] void Start() => Trace!.Lines.Add("zero start");
            [OnTrainBatchEnd] void Batch(long globalStep) => Trace!.Lines.Add($"zero step {globalStep}");
            [OnTrainEpochEnd] void Epoch(int epoch) => Trace!.Lines.Add($"zero epoch {epoch}");
            [OnTrainEnd] void End() => Trace!.Lines.Add("zero end");
        }

        public sealed partial class EveryRankLog
        {
            public Trace? Trace { get; set; }
            public string Name { get; set; } = "every";
            [OnTrainBatchEnd] void Batch(long globalStep) => Trace!.Lines.Add($"{Name} step {globalStep}");
            [OnTrainEpochEnd] void Epoch(int epoch) => Trace!.Lines.Add($"{Name} epoch {epoch}");
        }

        [CallbackPipeline]
        public sealed partial class MonitoringGroup
        {
            public EveryRankLog Every { get; } = new();
            public RankZeroLog Zero { get; } = new();
        }

        [CallbackPipeline]
        public sealed partial class Outer
        {
            public MonitoringGroup Inner { get; } = new();
            public EveryRankLog Last { get; } = new() { Name = "last" };
        }

        public sealed class Module : ITrainingModule<int>
        {
            public IProcessGroup? Group { get; set; }
            IProcessGroup? ITrainingModule<int>.ProcessGroup => Group;
            public StepResult TrainingStep(int batch, TrainerContext context) => 0.5;
            public StepResult ValidationStep(int batch, TrainerContext context) => 0.5;
        }
        """;

    private static readonly Lazy<Assembly> Compiled = new(() => TestCompilation.GenerateAndLoad(Source));

    private static dynamic New(string type) => Activator.CreateInstance(Compiled.Value.GetType("RankSamples." + type)!)!;

    public static TheoryData<string> Shapes => new() { "group in a collection", "nested group as the dispatcher", "nested group in a collection" };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_rank_zero_member_of_a_group_runs_on_rank_0_only_and_its_all_rank_siblings_on_every_rank(string shape)
    {
        var outcomes = ThreadRanks.Run(2, group =>
        {
            dynamic trace = New("Trace");
            dynamic monitoring = shape == "group in a collection" ? New("MonitoringGroup") : New("Outer");
            dynamic inner = shape == "group in a collection" ? monitoring : monitoring.Inner;
            inner.Every.Trace = trace;
            inner.Zero.Trace = trace;
            if (shape != "group in a collection")
            {
                monitoring.Last.Trace = trace;
            }

            ICallbackDispatcher callbacks = shape == "nested group as the dispatcher"
                ? (ICallbackDispatcher)monitoring
                : new CallbackCollection { (ICallback)monitoring };
            dynamic module = New("Module");
            module.Group = group;
            new Trainer(new TrainerOptions { MaxEpochs = 2 }, callbacks).Fit((ITrainingModule<int>)module, new[] { 0, 1 });
            return (List<string>)trace.Lines;
        });

        Assert.All(outcomes, o => Assert.Null(o.Error));
        List<string> zero = outcomes[0].Result!, one = outcomes[1].Result!;
        var expectedZero = new List<string> { "zero start" };
        var expectedOne = new List<string>();
        for (int epoch = 0, step = 0; epoch < 2; epoch++)
        {
            for (int batch = 0; batch < 2; batch++, step++)
            {
                // The rank-zero member's priority (10) puts it first; the others keep their order.
                expectedZero.AddRange(new[] { $"zero step {step}", $"every step {step}" });
                expectedOne.Add($"every step {step}");
                if (shape != "group in a collection")
                {
                    expectedZero.Add($"last step {step}");
                    expectedOne.Add($"last step {step}");
                }
            }

            expectedZero.AddRange(new[] { $"zero epoch {epoch}", $"every epoch {epoch}" });
            expectedOne.Add($"every epoch {epoch}");
            if (shape != "group in a collection")
            {
                expectedZero.Add($"last epoch {epoch}");
                expectedOne.Add($"last epoch {epoch}");
            }
        }

        expectedZero.Add("zero end");
        Assert.Equal(expectedZero, zero);
        Assert.Equal(expectedOne, one);
    }
}
