using System;
using System.IO;
using Xunit;

namespace DreamTrainer.Distributed.Tests;

/// <summary>The README's distributed command: QuickStart with <c>--distributed</c> under mpirun.</summary>
[Collection(Jobs.Name)]
public sealed class QuickStartDistributedTests : IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "dt-mpi-quickstart-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }

    [Fact]
    public void QuickStart_trains_on_2_ranks_above_90_percent_with_one_console_one_log_and_one_plot()
    {
        MpirunResult job = Mpirun.Run(2, Mpirun.QuickStart, $"--distributed --epochs 12 --output \"{_output}\"", TimeSpan.FromMinutes(3));

        Assert.True(job.ExitCode == 0, job.ToString());
        string[] rank0 = job.OutputOf(0);
        Assert.Contains(rank0, line => line.Contains("2 ranks, each a shard of every batch of 32", StringComparison.Ordinal));
        Assert.Contains(rank0, line => line.StartsWith("Validation accuracy:", StringComparison.Ordinal));
        Assert.Empty(job.OutputOf(1));
        Assert.True(File.Exists(Path.Combine(_output, "training_log.json")));
        Assert.True(File.Exists(Path.Combine(_output, "training_plot.svg")));
        Assert.True(File.Exists(Path.Combine(_output, "checkpoints", "last.ckpt")));
    }
}
