using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using DreamTrainer.Distributed.Worker;
using Xunit;

namespace DreamTrainer.Distributed.Tests;

/// <summary>mpirun jobs run one at a time: each already has more ranks than this machine has cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Jobs
{
    public const string Name = "mpirun jobs";

    /// <summary>Every rank's result of a training job, by rank.</summary>
    public static RankResult[] Results(string output, int ranks) =>
        Enumerable.Range(0, ranks)
            .Select(rank => Path.Combine(output, $"rank{rank}.result.json"))
            .Select(path => File.Exists(path)
                ? JsonSerializer.Deserialize<RankResult>(File.ReadAllText(path))!
                : throw new Xunit.Sdk.XunitException($"{path} is missing; the job's output was:\n{Directory.GetFiles(output).Aggregate(string.Empty, (text, file) => text + file + "\n")}"))
            .ToArray();

    /// <summary>The network's parameters and momentum buffers from DigitsMlp.Save's format (hidden units, then length-prefixed float arrays).</summary>
    public static float[] Floats(string weights)
    {
        using var reader = new BinaryReader(new MemoryStream(Convert.FromBase64String(weights)));
        reader.ReadInt32();
        var values = new List<float>();
        while (reader.BaseStream.Position < reader.BaseStream.Length)
        {
            int length = reader.ReadInt32();
            for (int i = 0; i < length; i++)
            {
                values.Add(reader.ReadSingle());
            }
        }

        return values.ToArray();
    }

    /// <summary>The largest difference between two sets of weights.</summary>
    public static double MaxDifference(string a, string b) => Floats(a).Zip(Floats(b), (x, y) => Math.Abs((double)x - y)).Max();
}
