using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace DreamTrainer.Tests;

public class MetricsAndScalarTests
{
    [Fact]
    public void Epoch_metrics_hold_mean_loss_val_loss_lr_and_logged_values_with_their_reduction()
    {
        int calls = 0;
        var module = new NoOpModule
        {
            Train = (batch, context) =>
            {
                context.Log("acc", batch, MetricReduction.Mean);
                context.Log("last_batch", batch);
                return ++calls;
            },
        };
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 1 });

        TrainResult result = trainer.Fit(module, Data.Batches(4), Data.Batches(2));

        IReadOnlyDictionary<string, double> epoch = result.History[0];
        Assert.Equal(2.5, epoch["loss"]);
        Assert.Equal(0.25, epoch["val_loss"]);
        Assert.Equal(0.1, epoch["lr"]);
        Assert.Equal(1.5, epoch["acc"]);
        Assert.Equal(3, epoch["last_batch"]);
        Assert.Equal(new[] { "acc", "last_batch", "loss", "val_loss", "lr" }, epoch.Keys);
    }

    [Fact]
    public void A_missing_metric_lists_the_metrics_that_exist()
    {
        var harness = new Testing.CallbackTestHarness();
        harness.SetMetric("loss", 1).SetMetric("val_loss", 2);

        var error = Assert.Throws<KeyNotFoundException>(() => harness.Context.Metrics["val_acc"]);

        Assert.Contains("'val_acc'", error.Message);
        Assert.Contains("loss, val_loss", error.Message);
    }

    [Fact]
    public void A_deferred_loss_is_read_only_when_a_callback_asks_and_at_most_once_per_step()
    {
        var scalar = new CountingScalar();
        var module = new DeferredModule(scalar);
        var reader = new ProbeCallback(new List<string>(), "reader", HookMask.TrainBatchEnd);
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 2 }, new CallbackCollection { reader, new CountingCallback("silent", true) });

        TrainResult result = trainer.Fit(module, Data.Batches(10));

        Assert.Equal(0, scalar.Reads);
        Assert.Equal(0, trainer.Context!.ScalarReads);
        Assert.Equal(2, scalar.Takes);
        Assert.Equal(4.5, result.History[1]["loss"]);
    }

    [Fact]
    public void A_callback_reading_every_tenth_step_causes_one_read_per_ten_steps()
    {
        var scalar = new CountingScalar();
        var everyTenth = new ProbeCallback(new List<string>(), "progress", HookMask.TrainBatchEnd);
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection { new LossReader(10), new LossReader(10, "twin") });

        trainer.Fit(new DeferredModule(scalar), Data.Batches(100));

        Assert.Equal(10, scalar.Reads);
        Assert.Equal(10, trainer.Context!.ScalarReads);
    }

    private sealed class LossReader : ICallback
    {
        private readonly int _every;

        public LossReader(int every, string key = "loss-reader")
        {
            _every = every;
            StateKey = key;
        }

        public HookMask Hooks => HookMask.TrainBatchEnd;

        public string StateKey { get; }

        public CallbackErrorPolicy ErrorPolicy => CallbackErrorPolicy.Propagate;

        public int GetPriority(Hook hook) => 0;

        public void OnTrainBatchEnd(TrainerContext context, in StepOutput output, int batchIndex, long globalStep)
        {
            if (globalStep % _every == 0)
            {
                Assert.True(output.Loss >= 0);
            }
        }
    }

    private sealed class CountingScalar : IDeferredScalar
    {
        private double _sum;
        private long _count;

        public double Current { get; set; }

        public int Reads { get; private set; }

        public int Takes { get; private set; }

        public double Read()
        {
            Reads++;
            return Current;
        }

        public void AddToRunningSum(int weight)
        {
            _sum += Current * weight;
            _count++;
        }

        public double TakeRunningSum(out long count)
        {
            Takes++;
            count = _count;
            double sum = _sum;
            _sum = 0;
            _count = 0;
            return sum;
        }
    }

    private sealed class DeferredModule : ITrainingModule<int>
    {
        private readonly CountingScalar _scalar;

        public DeferredModule(CountingScalar scalar) => _scalar = scalar;

        public StepResult TrainingStep(int batch, TrainerContext context)
        {
            _scalar.Current = batch;
            return new StepResult(_scalar);
        }

        public StepResult ValidationStep(int batch, TrainerContext context) => new(_scalar);
    }
}
