using System;
using System.IO;
using System.Linq;
using DreamTrainer.Samples.Digits;
using DreamTrainer.Samples.TorchSharpDigits;
using DreamTrainer.Tests.Distributed;
using Xunit;
using static TorchSharp.torch;

namespace DreamTrainer.TorchSharp.Tests;

/// <summary>The TorchSharp adapter across ranks (threads standing in for MPI processes): gradients all-reduced through the host.</summary>
public sealed class DataParallelTests
{
    private static readonly Lazy<DigitsData> Data = new(() => DigitsData.Load());

    // One set of initial weights for every run: manual_seed is global, and other test classes draw from it in parallel.
    private static readonly Lazy<byte[]> Initial = new(() =>
    {
        using DigitsClassifier module = DigitsClassifier.Create(Data.Value);
        using var state = new MemoryStream();
        module.Save(state);
        return state.ToArray();
    });

    /// <summary>Trains the digits classifier on <paramref name="ranks"/> ranks; each rank's final parameters.</summary>
    private static float[][] Train(int ranks)
    {
        int[] train = Data.Value.Split(0.2, seed: 42).Train[..320];
        var outcomes = ThreadRanks.Run(ranks, group =>
        {
            using DigitsClassifier module = DigitsClassifier.Create(Data.Value, seed: 100 + group.Rank, processGroup: group);

            // Only rank 0 starts from the shared weights: the trainer gives them to the other ranks.
            if (group.Rank == 0)
            {
                module.Load(new MemoryStream(Initial.Value));
            }

            new Trainer(new TrainerOptions { MaxEpochs = 2 }).Fit(module, new DigitsLoader(train, 32, shuffleSeed: 1, processGroup: group));
            return module.Model.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();
        });

        return outcomes.Select(o => o.Error is null ? o.Result! : throw new Xunit.Sdk.XunitException($"a rank failed: {o.Error}")).ToArray();
    }

    [Fact]
    public void Two_ranks_end_with_the_same_parameters_equal_to_one_process_on_the_same_global_batches()
    {
        float[] single = Train(1)[0];
        float[][] two = Train(2);

        Assert.Equal(two[0], two[1]);
        double difference = single.Zip(two[0], (a, b) => Math.Abs((double)a - b)).Max();
        Assert.True(difference < 1e-5, $"parameters differ from the single-process run by up to {difference}");
        Assert.True(single.Zip(Train(1)[0], (a, b) => a == b).All(same => same), "one process is deterministic");
    }
}
