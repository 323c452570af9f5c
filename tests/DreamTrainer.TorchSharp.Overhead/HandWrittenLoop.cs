using System;
using DreamTrainer.Samples.Digits;
using TorchSharp;
using static TorchSharp.torch;

namespace DreamTrainer.TorchSharp.Overhead;

/// <summary>
/// What the trainer runs for the digits MLP, written by hand in TorchSharp: the sample's network,
/// initialisation, data on the device, SGD with momentum, the warm-up cosine schedule set at each
/// epoch's start, the training loss summed on the device and read once per epoch, and validation
/// with its loss mean and a per-batch accuracy read, as <c>DigitsClassifier</c> logs it.
/// </summary>
internal static class HandWrittenLoop
{
    public static double Run(DigitsData data, DigitsLoader train, DigitsLoader validation, int epochs, Device device)
    {
        manual_seed(7);
        var network = nn.Sequential(
            ("fc1", nn.Linear(DigitsData.Features, 64)),
            ("relu", nn.ReLU()),
            ("fc2", nn.Linear(64, DigitsData.Classes)));
        using (no_grad())
        {
            network.to(device);
        }

        var optimizer = optim.SGD(network.parameters(), 0.05, momentum: 0.9);
        using Tensor images = tensor(data.Pixels, new long[] { data.Count, DigitsData.Features }).to(device);
        using Tensor labels = tensor(Array.ConvertAll(data.Labels, label => (long)label)).to(device);
        double lastValidationLoss = double.NaN;

        // Batch sizes as TorchSharp scalars, made once (as the adapter keeps its own).
        var weights = new System.Collections.Generic.Dictionary<int, Scalar>();
        Scalar Weight(int size) => weights.TryGetValue(size, out Scalar? scalar) ? scalar : weights[size] = size;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            double rate = epoch < 3 ? 0.05 * (epoch + 1) / 3 : 0.05 * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1.0, (epoch - 3.0) / (epochs - 3))));
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = rate;
            }

            network.train();
            train.SetEpoch(epoch);
            using Tensor trainSum = zeros(1, ScalarType.Float64, device);
            long trainCount = 0;
            foreach (DigitsBatch batch in train)
            {
                using (NewDisposeScope())
                {
                    Tensor index = Indices(batch, device);
                    optimizer.zero_grad();
                    Tensor loss = nn.functional.cross_entropy(network.call(images.index_select(0, index)), labels.index_select(0, index));
                    loss.backward();
                    optimizer.step();
                    trainSum.add_(loss.detach(), Weight(batch.Indices.Count));
                    trainCount += batch.Indices.Count;
                }
            }

            _ = trainSum.item<double>() / trainCount;
            network.eval();
            validation.SetEpoch(epoch);
            using Tensor validationSum = zeros(1, ScalarType.Float64, device);
            long validationCount = 0;
            double accuracy = 0;
            foreach (DigitsBatch batch in validation)
            {
                using (NewDisposeScope())
                using (no_grad())
                {
                    Tensor index = Indices(batch, device);
                    Tensor labelsOfBatch = labels.index_select(0, index);
                    Tensor logits = network.call(images.index_select(0, index));
                    validationSum.add_(nn.functional.cross_entropy(logits, labelsOfBatch), Weight(batch.Indices.Count));
                    accuracy += logits.argmax(1).eq(labelsOfBatch).to_type(ScalarType.Float64).mean().item<double>() * batch.Indices.Count;
                    validationCount += batch.Indices.Count;
                }
            }

            lastValidationLoss = validationSum.item<double>() / validationCount;
        }

        foreach (Scalar scalar in weights.Values)
        {
            scalar.Dispose();
        }

        return lastValidationLoss;
    }

    private static Tensor Indices(DigitsBatch batch, Device device)
    {
        var positions = new long[batch.Indices.Count];
        for (int i = 0; i < positions.Length; i++)
        {
            positions[i] = batch.Indices[i];
        }

        return Devices.ToDevice(tensor(positions), device, out _);
    }
}
