using System;
using System.IO;
using System.Linq;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace DreamTrainer.TorchSharp.Tests;

/// <summary>The package README's example, as written there (the top-level statements in a method), trains and checkpoints.</summary>
public sealed class ReadmeExampleTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dt-torch-readme-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void The_readme_example_fits_a_linear_map_and_writes_its_checkpoint()
    {
        string checkpoints = Path.Combine(_directory, "checkpoints");
        manual_seed(3);

        // From src/TorchSharp/README.md ("checkpoints" made absolute, the bar kept off the test output).
        var batches = Enumerable.Range(0, 20).Select(_ => { Tensor x = randn(32, 3); return (X: x, Y: x.sum(1, keepdim: true)); }).ToList();
        using var module = new Regression(nn.Linear(3, 1));
        TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = 30 }, new CallbackCollection
        {
            new ProgressBar(output: TextWriter.Null),
            new CheckpointCallback(checkpoints, monitor: null),
        }).Fit(module, batches);

        Assert.Equal(30, result.EpochsCompleted);
        Assert.True(result.History[^1]["loss"] < 1e-3, $"final loss {result.History[^1]["loss"]}");
        Assert.True(File.Exists(Path.Combine(checkpoints, "last.ckpt")));
    }

    private sealed class Regression(nn.Module<Tensor, Tensor> net)
        : TorchSharpModule<(Tensor X, Tensor Y)>(net, parameters => optim.Adam(parameters, 0.05))
    {
        protected override Tensor ComputeLoss((Tensor X, Tensor Y) batch, TrainerContext context, bool training) =>
            nn.functional.mse_loss(net.call(batch.X.to(Device)), batch.Y.to(Device));

        protected override int BatchSize((Tensor X, Tensor Y) batch) => (int)batch.X.shape[0];
    }
}
