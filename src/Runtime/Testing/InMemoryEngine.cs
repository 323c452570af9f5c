using System;
using System.Collections.Generic;
using System.IO;

namespace DreamTrainer.Testing;

/// <summary>The harness's fake optimizer: one parameter group whose learning-rate changes are recorded.</summary>
internal sealed class InMemoryLearningRates : ILearningRateControl
{
    private readonly List<double> _history = new();
    private double _learningRate;

    public InMemoryLearningRates(double learningRate) => _learningRate = learningRate;

    public IReadOnlyList<double> History => _history;

    public int GroupCount => 1;

    /// <summary>Sets the rate as the test's starting point, without recording it.</summary>
    public void Arrange(double learningRate) => _learningRate = learningRate;

    public double GetLearningRate(int group) => _learningRate;

    public void SetLearningRate(int group, double learningRate)
    {
        _learningRate = learningRate;
        _history.Add(learningRate);
    }

    public bool TryGetMomentum(int group, out double momentum)
    {
        momentum = double.NaN;
        return false;
    }
}

/// <summary>The harness's fake model state: an array of weights that checkpoints save and snapshots restore.</summary>
internal sealed class InMemoryModelState : IModelStateControl
{
    public double[] Weights { get; set; } = { 0.0 };

    public int Restores { get; private set; }

    public void Save(Stream destination)
    {
        using var writer = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(Weights.Length);
        foreach (double weight in Weights)
        {
            writer.Write(weight);
        }
    }

    public void Load(Stream source)
    {
        using var reader = new BinaryReader(source, System.Text.Encoding.UTF8, leaveOpen: true);
        int count = reader.ReadInt32();
        if (count < 0 || count > (source.Length - source.Position) / sizeof(double))
        {
            throw new InvalidDataException($"The checkpoint's model state claims {count} weights; the entry has room for {(source.Length - source.Position) / sizeof(double)}.");
        }

        var weights = new double[count];
        for (int i = 0; i < count; i++)
        {
            weights[i] = reader.ReadDouble();
        }

        Weights = weights;
    }

    public object CreateSnapshot() => Weights.Clone();

    public void Restore(object snapshot)
    {
        double[] weights = snapshot as double[] ?? throw new ArgumentException("The snapshot was not made by this harness's CreateWeightsSnapshot.", nameof(snapshot));
        Weights = (double[])weights.Clone();
        Restores++;
    }
}
