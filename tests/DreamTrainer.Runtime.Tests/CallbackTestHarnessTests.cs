using System;
using System.Collections.Generic;
using DreamTrainer.Testing;
using Xunit;

namespace DreamTrainer.Tests;

public class CallbackTestHarnessTests
{
    [Fact]
    public void The_harness_drives_hooks_and_exposes_what_the_callback_did()
    {
        var log = new List<string>();
        var probe = new ProbeCallback(log, "p")
        {
            OnHook = (hook, context) =>
            {
                if (hook == Hook.TrainEpochEnd && context.Metrics["val_loss"] > 1)
                {
                    context.SetLearningRate(context.LearningRate / 2);
                    context.Log("halved", 1);
                    context.RequestStop("val_loss too high");
                }
            },
        };
        var harness = new CallbackTestHarness(probe) { LearningRate = 0.2 };

        harness.TrainStart();
        harness.TrainBatchEnd(loss: 3.0, batchIndex: 0);
        harness.TrainEpochEnd(0, ("val_loss", 2.0));

        Assert.Equal(new[] { "p.TrainStart", "p.TrainBatchEnd(0,0)", "p.TrainEpochEnd(0:val_loss)" }, log);
        Assert.Equal(0.1, harness.LearningRate);
        Assert.Equal(new[] { 0.1 }, harness.LearningRateHistory);
        Assert.Equal(1, harness.Context.Metrics["halved"]);
        Assert.True(harness.Context.StopRequested);
        Assert.Equal("val_loss too high", harness.Context.StopReason);
        Assert.Equal(1, harness.Context.GlobalStep);
    }

    [Fact]
    public void A_failing_hook_surfaces_as_a_named_exception_in_the_harness()
    {
        var harness = new CallbackTestHarness(new ProbeCallback(new List<string>(), "p") { ThrowIn = Hook.TrainEnd });

        var error = Assert.Throws<CallbackException>(() => harness.TrainEnd());

        Assert.Equal(Hook.TrainEnd, error.Hook);
    }
}
