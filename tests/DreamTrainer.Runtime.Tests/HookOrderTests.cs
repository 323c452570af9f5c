using System;
using System.Collections.Generic;
using System.Threading;
using Xunit;

namespace DreamTrainer.Tests;

public class HookOrderTests
{
    private static List<string> ExpectedEpoch(int epoch, int trainBatches, int validationBatches, long firstStep, string epochEndMetrics)
    {
        var lines = new List<string> { $"TrainEpochStart({epoch})" };
        for (int b = 0; b < trainBatches; b++)
        {
            lines.Add($"TrainBatchStart({b},{firstStep + b})");
            lines.Add($"TrainBatchEnd({b},{firstStep + b})");
        }

        if (validationBatches > 0)
        {
            lines.Add("ValidationStart");
            lines.Add($"ValidationEpochStart({epoch})");
            for (int b = 0; b < validationBatches; b++)
            {
                lines.Add($"ValidationBatchStart({b})");
                lines.Add($"ValidationBatchEnd({b})");
            }

            lines.Add($"ValidationEpochEnd({epoch})");
            lines.Add("ValidationEnd");
        }

        lines.Add($"TrainEpochEnd({epoch}:{epochEndMetrics})");
        return lines;
    }

    [Fact]
    public void Three_epoch_fit_with_validation_fires_every_hook_in_the_documented_order()
    {
        var log = new List<string>();
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 3 }, new CallbackCollection { new ProbeCallback(log) });

        TrainResult result = trainer.Fit(new NoOpModule(), Data.Batches(2), Data.Batches(2));

        var expected = new List<string> { "TrainStart" };
        for (int epoch = 0; epoch < 3; epoch++)
        {
            expected.AddRange(ExpectedEpoch(epoch, 2, 2, epoch * 2, "loss,val_loss,lr"));
        }

        expected.Add("TrainEnd(Completed)");
        Assert.Equal(expected, log);
        Assert.Equal(TrainEndReason.Completed, result.Reason);
        Assert.Equal(3, result.EpochsCompleted);
        Assert.Equal(6, result.GlobalStep);
        Assert.Equal(0.25, result.History[2]["val_loss"]);
        Assert.Equal(0.5, result.History[2]["loss"]);
    }

    [Fact]
    public void Stop_requested_mid_epoch_finishes_that_epoch_with_validation_then_ends_Stopped()
    {
        var log = new List<string>();
        var probe = new ProbeCallback(log)
        {
            OnHook = (hook, context) =>
            {
                if (hook == Hook.TrainBatchEnd && context.Epoch == 1 && context.BatchIndex == 0)
                {
                    context.RequestStop("enough");
                }
            },
        };
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 3 }, new CallbackCollection { probe });

        TrainResult result = trainer.Fit(new NoOpModule(), Data.Batches(2), Data.Batches(1));

        var expected = new List<string> { "TrainStart" };
        expected.AddRange(ExpectedEpoch(0, 2, 1, 0, "loss,val_loss,lr"));
        expected.AddRange(ExpectedEpoch(1, 1, 1, 2, "loss,val_loss,lr"));
        expected.Add("TrainEnd(Stopped)");
        Assert.Equal(expected, log);
        Assert.Equal(TrainEndReason.Stopped, result.Reason);
        Assert.Equal("enough", result.StopReason);
        Assert.Equal(2, result.EpochsCompleted);
    }

    [Fact]
    public void A_failing_step_delivers_Exception_then_TrainEnd_Failed_and_rethrows_the_original()
    {
        var log = new List<string>();
        var module = new NoOpModule { Train = (batch, context) => context.Epoch == 1 ? throw new DivideByZeroException("bad batch") : 0.5 };
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 3 }, new CallbackCollection { new ProbeCallback(log) });

        var thrown = Assert.Throws<DivideByZeroException>(() => trainer.Fit(module, Data.Batches(1), null));

        Assert.Equal("bad batch", thrown.Message);
        Assert.Equal(new[] { "TrainStart", "TrainEpochStart(0)", "TrainBatchStart(0,0)", "TrainBatchEnd(0,0)", "TrainEpochEnd(0:loss,lr)", "TrainEpochStart(1)", "TrainBatchStart(0,1)", "Exception(DivideByZeroException)", "TrainEnd(Failed)" }, log);
    }

    [Fact]
    public void Cancellation_ends_with_TrainEnd_Cancelled_and_throws_OperationCanceledException()
    {
        var log = new List<string>();
        using var cancellation = new CancellationTokenSource();
        var probe = new ProbeCallback(log)
        {
            OnHook = (hook, context) =>
            {
                if (hook == Hook.TrainBatchEnd && context.GlobalStep == 3)
                {
                    cancellation.Cancel();
                }
            },
        };
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 5 }, new CallbackCollection { probe });

        Assert.Throws<OperationCanceledException>(() => trainer.Fit(new NoOpModule(), Data.Batches(2), null, cancellation.Token));

        Assert.Equal("TrainEnd(Cancelled)", log[^1]);
        Assert.Equal("TrainBatchEnd(0,2)", log[^2]);
        Assert.DoesNotContain(log, l => l.StartsWith("Exception", StringComparison.Ordinal));
    }

    [Fact]
    public void Validation_runs_every_N_epochs_and_val_metrics_are_absent_otherwise()
    {
        var log = new List<string>();
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 4, ValidateEveryNEpochs = 2 }, new CallbackCollection { new ProbeCallback(log) });

        TrainResult result = trainer.Fit(new NoOpModule(), Data.Batches(1), Data.Batches(1));

        Assert.Equal(2, log.FindAll(l => l == "ValidationStart").Count);
        Assert.False(result.History[0].ContainsKey("val_loss"));
        Assert.True(result.History[1].ContainsKey("val_loss"));
    }

    [Fact]
    public void MaxSteps_and_batch_limits_bound_the_run()
    {
        var log = new List<string>();
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 10, MaxSteps = 5, LimitTrainBatches = 2, LimitValidationBatches = 1 }, new CallbackCollection { new ProbeCallback(log) });

        TrainResult result = trainer.Fit(new NoOpModule(), Data.Batches(4), Data.Batches(3));

        Assert.Equal(5, result.GlobalStep);
        Assert.Equal(3, result.EpochsCompleted);
        Assert.Equal(TrainEndReason.Completed, result.Reason);
        Assert.Equal(3, log.FindAll(l => l == "ValidationBatchStart(0)").Count);
        Assert.DoesNotContain("ValidationBatchStart(1)", log);
    }
}
