using System;
using System.IO;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using Optimizer = TorchSharp.torch.optim.Optimizer;

namespace DreamTrainer.TorchSharp.Tests;

/// <summary>Checkpoints keep the optimizer: a resumed run equals an uninterrupted one, weight for weight.</summary>
public sealed class ResumeTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dt-torch-resume-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    public static TheoryData<string> Optimizers => new() { "SGD", "Adam" };

    private static Func<System.Collections.Generic.IEnumerable<Parameter>, Optimizer> Factory(string name) =>
        name == "SGD" ? p => optim.SGD(p, 0.05, momentum: 0.9) : p => optim.Adam(p, 3e-3);

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Weights_after_resumed_epochs_equal_an_uninterrupted_run(string optimizer)
    {
        float[] uninterrupted;
        using (var module = new TestNet(Factory(optimizer)))
        {
            new Trainer(new TrainerOptions { MaxEpochs = 4 }).Fit(module, TestNet.Loader(320));
            uninterrupted = module.Weights();
        }

        string folder = Path.Combine(_directory, optimizer);
        using (var first = new TestNet(Factory(optimizer)))
        {
            new Trainer(new TrainerOptions { MaxEpochs = 2 }, new CallbackCollection { new CheckpointCallback(folder, monitor: null) }).Fit(first, TestNet.Loader(320));
        }

        // Other initial weights and a fresh optimizer: everything must come from the checkpoint.
        using var resumed = new TestNet(Factory(optimizer), seed: 99);
        new Trainer(new TrainerOptions { MaxEpochs = 4 }, new CallbackCollection { new CheckpointCallback(folder, monitor: null) })
            .Resume(Path.Combine(folder, "last.ckpt"), resumed, TestNet.Loader(320));

        float[] weights = resumed.Weights();
        double difference = uninterrupted.Zip(weights, (a, b) => Math.Abs((double)a - b)).Max();
        Assert.True(difference == 0, $"{optimizer}: weights differ from the uninterrupted run by up to {difference}");
    }

    [Fact]
    public void Saving_leaves_the_callers_stream_open_and_loading_restores_the_momentum()
    {
        using var module = new TestNet(Factory("SGD"));
        new Trainer(new TrainerOptions { MaxEpochs = 1 }).Fit(module, TestNet.Loader(64));
        using var state = new MemoryStream();

        module.Save(state);

        Assert.True(state.CanWrite, "Save closed the stream");
        state.Position = 0;
        using var other = new TestNet(Factory("SGD"), seed: 5);
        other.Load(state);
        using var saved = new MemoryStream();
        using var loaded = new MemoryStream();
        module.Save(saved);
        other.Save(loaded);
        Assert.Equal(saved.ToArray(), loaded.ToArray());
    }

    [Fact]
    public void With_early_stopping_keeping_the_best_weights_a_resumed_run_restores_the_same_best_weights()
    {
        // Watching the training loss for a maximum makes the first epoch the best: from then on the
        // best weights are not the current ones, so the checkpoint keeps them apart (SaveSnapshot),
        // the resume reads them back (LoadSnapshot), and the stop after two epochs restores them.
        float[] uninterrupted;
        using (var module = new TestNet(Factory("SGD")))
        {
            TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = 5 }, new CallbackCollection { Stopping() }).Fit(module, TestNet.Loader(320));
            Assert.Equal(TrainEndReason.Stopped, result.Reason);
            uninterrupted = module.Weights();
        }

        string folder = Path.Combine(_directory, "best");
        using (var first = new TestNet(Factory("SGD")))
        {
            new Trainer(new TrainerOptions { MaxEpochs = 2 }, new CallbackCollection { Stopping(), new CheckpointCallback(folder, monitor: null) }).Fit(first, TestNet.Loader(320));
        }

        using var resumed = new TestNet(Factory("SGD"), seed: 99);
        TrainResult resumedResult = new Trainer(new TrainerOptions { MaxEpochs = 5 }, new CallbackCollection { Stopping(), new CheckpointCallback(folder, monitor: null) })
            .Resume(Path.Combine(folder, "last.ckpt"), resumed, TestNet.Loader(320));

        Assert.Equal(TrainEndReason.Stopped, resumedResult.Reason);
        Assert.Equal(uninterrupted, resumed.Weights());

        static EarlyStoppingCallback Stopping() => new(monitor: "loss", mode: MonitorMode.Max, patience: 2, restoreBestWeights: true);
    }

    [Fact]
    public void A_snapshot_round_trips_through_its_stream_without_touching_the_model_and_a_foreign_one_is_refused()
    {
        using var module = new TestNet(Factory("Adam"));
        new Trainer(new TrainerOptions { MaxEpochs = 1 }).Fit(module, TestNet.Loader(64));
        using var snapshot = (WeightsSnapshot)module.CreateSnapshot();
        new Trainer(new TrainerOptions { MaxEpochs = 1 }).Fit(module, TestNet.Loader(64));
        float[] current = module.Weights();
        using var stream = new MemoryStream();

        module.SaveSnapshot(snapshot, stream);
        stream.Position = 0;
        using var loaded = (WeightsSnapshot)module.LoadSnapshot(stream);

        Assert.Equal(current, module.Weights());
        module.Restore(loaded);
        using var expected = new TestNet(Factory("Adam"));
        expected.Restore(snapshot);
        Assert.Equal(expected.Weights(), module.Weights());

        using var full = new MemoryStream();
        module.Save(full);
        full.Position = 0;
        var refused = Assert.Throws<InvalidDataException>(() => module.LoadSnapshot(full));
        Assert.Contains("optimizer state", refused.Message, StringComparison.Ordinal);
        var truncated = new MemoryStream(stream.ToArray()[..100]);
        Assert.ThrowsAny<Exception>(() => module.LoadSnapshot(truncated));
    }
}
