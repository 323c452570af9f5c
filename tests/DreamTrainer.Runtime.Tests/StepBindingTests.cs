using System;
using System.Collections.Generic;
using Xunit;

namespace DreamTrainer.Tests;

/// <summary>What the trainer offers hooks beyond the catalogue's parameters: the batch slot and the step outputs, checked against declared bindings.</summary>
public class StepBindingTests
{
    [Fact]
    public void The_batch_is_in_the_run_slot_during_its_hooks_and_released_when_the_run_ends()
    {
        var seen = new List<string>();
        var reader = new LambdaCallback
        {
            OnTrainBatchStart = (context, _, _) => seen.Add("start " + ((BatchSlot<string>)context.BatchSlot!).Current),
            OnTrainBatchEnd = (TrainerContext context, in StepOutput output, int _, long _) => seen.Add("end " + ((BatchSlot<string>)context.BatchSlot!).Current + " " + output.Outputs),
        };
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection { reader });

        trainer.Fit(new EchoModule(), new[] { "a", "b" });

        Assert.Equal(new[] { "start a", "end a out:a", "start b", "end b out:b" }, seen);
        Assert.Null(((BatchSlot<string>)trainer.Context!.BatchSlot!).Current);
        Assert.Null(new StepOutput(trainer.Context.TrainLoss).Outputs);
    }

    [Fact]
    public void Declared_bindings_are_checked_against_the_run_before_TrainStart()
    {
        var log = new List<string>();
        var declared = new DeclaringCallback(log, new HookBinding(Hook.TrainBatchStart, BoundValue.Batch, typeof(int), "Start"));

        var error = Assert.Throws<InvalidOperationException>(() => new Trainer(new TrainerOptions(), new CallbackCollection { declared }).Fit(new EchoModule(), new[] { "a" }));

        Assert.Equal("Callback 'DreamTrainer.Tests.StepBindingTests+DeclaringCallback' binds the batch in OnTrainBatchStart (method 'Start') as 'System.Int32', but the data yields 'System.String'.", error.Message);
        Assert.Empty(log);
    }

    [Fact]
    public void A_nullable_model_binding_accepts_a_module_without_a_model_and_a_required_one_names_what_is_missing()
    {
        var optional = new DeclaringCallback(new List<string>(), new HookBinding(Hook.TrainStart, BoundValue.Model, typeof(Version), "Begin", allowsNull: true));
        var required = new DeclaringCallback(new List<string>(), new HookBinding(Hook.TrainStart, BoundValue.Optimizer, typeof(Version), "Begin"));

        new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection { optional }).Fit(new EchoModule { Model = null }, new[] { "a" });
        var error = Assert.Throws<InvalidOperationException>(() => new Trainer(new TrainerOptions(), new CallbackCollection { required }).Fit(new EchoModule(), new[] { "a" }));

        Assert.EndsWith("binds the optimizer in OnTrainStart (method 'Begin') as 'System.Version', but the module's optimizer (ITrainingModule.Optimizer) is null.", error.Message);
    }

    [Fact]
    public void Type_names_in_messages_read_as_source_code()
    {
        Assert.Equal("System.Collections.Generic.Dictionary<System.String, System.Single[]>", BindingCheck.Display(typeof(Dictionary<string, float[]>)));
        Assert.Equal("System.Int32[,]", BindingCheck.Display(typeof(int[,])));
        Assert.Equal("DreamTrainer.Tests.StepBindingTests.EchoModule", BindingCheck.Display(typeof(EchoModule)));
    }

    private sealed class EchoModule : ITrainingModule<string>
    {
        public object? Model { get; init; } = new object();

        object? ITrainingModule<string>.Model => Model;

        public StepResult TrainingStep(string batch, TrainerContext context) => new(0.5, 1, "out:" + batch);

        public StepResult ValidationStep(string batch, TrainerContext context) => 0.5;
    }

    private sealed class DeclaringCallback(List<string> log, HookBinding binding) : ICallback
    {
        public HookMask Hooks => HookMask.TrainStart;

        public string StateKey => "declaring";

        public CallbackErrorPolicy ErrorPolicy => CallbackErrorPolicy.Propagate;

        public IReadOnlyList<HookBinding> Bindings { get; } = new[] { binding };

        public int GetPriority(Hook hook) => 0;

        public void OnTrainStart(TrainerContext context) => log.Add("started");
    }
}
