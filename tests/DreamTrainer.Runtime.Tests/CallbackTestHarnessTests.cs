using System;
using System.Collections.Generic;
using System.IO;
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

    [Fact]
    public void Every_control_of_the_context_works_in_the_harness_with_a_temporary_folder_and_a_fake_model_state()
    {
        object? snapshot = null;
        string saved = string.Empty;
        var probe = new ProbeCallback(new List<string>(), "p")
        {
            OnHook = (hook, context) =>
            {
                switch (hook)
                {
                    case Hook.TrainStart:
                        snapshot = context.CreateWeightsSnapshot();
                        break;
                    case Hook.TrainBatchEnd:
                        context.RequestCheckpoint();
                        context.ReportError(new TimeoutException("slow disk"));
                        break;
                    case Hook.TrainEpochEnd:
                        context.RestoreWeights(snapshot!);
                        context.SaveCheckpoint(saved = Path.Combine(Path.GetTempPath(), $"harness-{Guid.NewGuid():N}.ckpt"));
                        context.RequestStop("done", immediately: true);
                        break;
                }
            },
        };
        string folder;
        using (var harness = new CallbackTestHarness(probe) { Weights = new[] { 1.0, 2.0 } })
        {
            folder = harness.Directory;
            harness.TrainStart();
            harness.Weights = new[] { 9.0, 9.0 };
            harness.TrainBatchEnd(loss: 0.5);
            harness.TrainEpochEnd(0);

            Assert.Equal(new[] { 1.0, 2.0 }, harness.Weights);
            Assert.Equal(1, harness.WeightRestores);
            string requested = Assert.Single(harness.RequestedCheckpoints);
            Assert.Equal(Path.Combine(folder, "requested-epoch1-step1.ckpt"), requested);
            Assert.Equal(1, CheckpointFile.Read(requested).GlobalStep);
            Assert.True(File.Exists(saved));
            Assert.Equal(1, CheckpointFile.Read(saved).EpochsCompleted);
            Assert.Equal("slow disk", Assert.Single(harness.Context.Errors).Exception.Message);
            Assert.True(harness.Context.ImmediateStopRequested);

            // The checkpoint holds the fake model's weights (restored before it was written): a resume loads them.
            var model = new InMemoryModelState();
            CheckpointFile.Read(saved).LoadModelInto(model);
            Assert.Equal(new[] { 1.0, 2.0 }, model.Weights);
        }

        Assert.False(Directory.Exists(folder), "Dispose removes the harness's folder");
        File.Delete(saved);
    }

    [Fact]
    public void The_harness_gives_hooks_the_model_and_optimizer_it_is_told_to()
    {
        var model = new object();
        using var harness = new CallbackTestHarness(new ProbeCallback(new List<string>(), "p")) { Model = model };

        Assert.Same(model, harness.Context.Model);
        Assert.NotNull(harness.Optimizer);
        harness.Optimizer = "sgd";
        Assert.Equal("sgd", harness.Context.Optimizer);
    }
}
