using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace DreamTrainer.Distributed.Tests;

/// <summary>The P/Invoke binding to Open MPI on its own: every collective, and a failure notice reaching ranks that wait.</summary>
[Collection(Jobs.Name)]
public sealed class MpiBindingTests : IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "dt-mpi-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }

    [Fact]
    public void All_reduce_sums_maxima_and_minima_broadcast_and_barrier_give_every_rank_the_same_answers()
    {
        MpirunResult job = Mpirun.Run(4, Mpirun.Worker, $"collectives --output \"{_output}\"", TimeSpan.FromMinutes(2));

        Assert.True(job.ExitCode == 0, job.ToString());
        for (int rank = 0; rank < 4; rank++)
        {
            JsonElement result = JsonDocument.Parse(File.ReadAllText(Path.Combine(_output, $"rank{rank}.collectives.json"))).RootElement;
            double[] Read(string name) => result.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(rank, result.GetProperty("rank").GetInt32());
            Assert.Equal(4, result.GetProperty("size").GetInt32());
            Assert.Equal(new[] { 10.0, -6.0 }, new[] { Read("sum")[0], Read("sum")[2] });
            Assert.Equal(1.0, Read("sum")[1], 14);
            Assert.Equal(new[] { 3.0, 0.0, 1.0 }, Read("max"));
            Assert.Equal(new[] { 0.0, -3.0, 0.0 }, Read("min"));
            Assert.Equal(new[] { 10.0, 3.0 }, Read("floats"));
            Assert.Equal("from rank 3", result.GetProperty("broadcast").GetString());
        }
    }

    [Fact]
    public void A_failure_reported_on_rank_1_wakes_the_ranks_waiting_in_a_barrier_and_ends_the_job()
    {
        MpirunResult job = Mpirun.Run(4, Mpirun.Worker, $"collectives --output \"{_output}\" --fail-rank 1 --shutdown 20", TimeSpan.FromMinutes(2));

        Assert.True(job.ExitCode != 0, job.ToString());
        Assert.True(job.Elapsed < TimeSpan.FromSeconds(60), job.ToString());
        foreach (int rank in new[] { 0, 2, 3 })
        {
            Assert.Equal(
                $"RankFailedException: Rank 1 of 4 failed: InvalidOperationException: injected failure on rank 1 (seen on rank {rank}).",
                File.ReadAllText(Path.Combine(_output, $"rank{rank}.collectives.json")));
        }

        Assert.Contains("MPI_ABORT", job.Error, StringComparison.Ordinal);
    }
}
