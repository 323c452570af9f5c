using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DreamTrainer.TorchSharp.Tests;

/// <summary>Tensor lifetimes: every tensor handle counted (not only the scoped ones), after a GC and without one.</summary>
public sealed class LifetimeTests
{
    private readonly ITestOutputHelper _output;

    public LifetimeTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Live_tensor_handles_stay_flat_across_10_epochs_with_validation_norms_and_snapshots()
    {
        using var module = new TestNet(parameters => optim.Adam(parameters, 1e-3), withNorm: true);
        var live = new List<long>();
        var probe = new LambdaCallback
        {
            Priority = -100,
            OnTrainEpochEnd = (context, epoch, metrics) =>
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                live.Add(Tensor.TotalCount);
            },
        };
        var callbacks = new CallbackCollection
        {
            new LoggerCallback(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, logEveryNSteps: 3),
            new EarlyStoppingCallback(patience: 50, restoreBestWeights: true),
            probe,
        };

        new Trainer(new TrainerOptions { MaxEpochs = 10 }, callbacks).Fit(module, TestNet.Loader(160), TestNet.Loader(64, 64, null));

        _output.WriteLine($"live tensor handles at epoch ends: {string.Join(", ", live)}");
        Assert.Equal(10, live.Count);
        Assert.All(live.Skip(2), count => Assert.Equal(live[1], count));
    }

    [Fact]
    public void Reading_losses_norms_and_state_leaves_no_tensor_for_the_finalizer()
    {
        using var module = new TestNet(parameters => optim.SGD(parameters, 0.05, momentum: 0.9));
        new Trainer(new TrainerOptions { MaxEpochs = 1 }).Fit(module, TestNet.Loader(64));
        using var loss = new DeferredLoss();
        using var state = new MemoryStream();
        Exercise(module, loss, state);
        GC.Collect();
        GC.WaitForPendingFinalizers();

        // No collection may run in between: a tensor left to the finalizer would still count.
        long before = Tensor.TotalCount;
        Assert.True(GC.TryStartNoGCRegion(32 << 20), "no GC-free region");
        long after;
        try
        {
            Exercise(module, loss, state);
            after = Tensor.TotalCount;
        }
        finally
        {
            GC.EndNoGCRegion();
        }

        Assert.Equal(before, after);
    }

    private static void Exercise(TestNet module, DeferredLoss loss, MemoryStream state)
    {
        for (int i = 0; i < 5; i++)
        {
            using (NewDisposeScope())
            {
                loss.Hold(tensor(1.5f + i));
            }

            loss.Read();
            loss.AddToRunningSum(1);
            loss.AddToRunningSum(32);
        }

        loss.TakeRunningSum(out _);
        module.TryGetGradientNorm(out _);
        module.TryGetParameterNorm(out _);
        state.SetLength(0);
        module.Save(state);
        state.Position = 0;
        module.Load(state);
        using var snapshot = (WeightsSnapshot)module.CreateSnapshot();
        module.Restore(snapshot);
    }
}
