using System;
using DreamTrainer.Samples.Digits;
using DreamTrainer.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace DreamTrainer.Samples.TorchSharpDigits;

/// <summary>The digits MLP as a TorchSharp module: tensors for each batch, cross-entropy loss.</summary>
public sealed class DigitsClassifier : TorchSharpModule<DigitsBatch>
{
    private readonly nn.Module<Tensor, Tensor> _network;
    private readonly DigitsData _data;

    /// <summary>Creates a 64-hidden-unit MLP trained with SGD and momentum.</summary>
    /// <param name="data">The images.</param>
    /// <param name="learningRate">The initial learning rate.</param>
    /// <param name="seed">The initialisation seed.</param>
    /// <param name="device">Where to train; default: CUDA when available.</param>
    /// <param name="processGroup">The ranks training together; null: this process alone.</param>
    public static DigitsClassifier Create(DigitsData data, double learningRate = 0.05, int seed = 7, Device? device = null, IProcessGroup? processGroup = null)
    {
        manual_seed(seed);
        var network = nn.Sequential(
            ("fc1", nn.Linear(DigitsData.Features, 64)),
            ("relu", nn.ReLU()),
            ("fc2", nn.Linear(64, DigitsData.Classes)));
        var optimizer = optim.SGD(network.parameters(), learningRate, momentum: 0.9);
        return new DigitsClassifier(network, optimizer, data, device, processGroup);
    }

    private DigitsClassifier(nn.Module<Tensor, Tensor> network, optim.Optimizer optimizer, DigitsData data, Device? device, IProcessGroup? processGroup)
        : base(network, optimizer, device, processGroup)
    {
        _network = network;
        _data = data;
    }

    /// <summary>The share of <paramref name="indices"/> classified correctly.</summary>
    /// <param name="indices">The images to score.</param>
    /// <returns>The accuracy, 0..1.</returns>
    public double Accuracy(int[] indices)
    {
        Model.eval();
        using (NewDisposeScope())
        using (no_grad())
        {
            (Tensor x, Tensor y) = Tensors(indices);
            return _network.call(x).argmax(1).eq(y).to_type(ScalarType.Float64).mean().item<double>();
        }
    }

    /// <inheritdoc/>
    protected override Tensor ComputeLoss(DigitsBatch batch, TrainerContext context, bool training)
    {
        (Tensor x, Tensor y) = Tensors(batch.Indices.ToArray());
        Tensor logits = _network.call(x);
        Tensor loss = nn.functional.cross_entropy(logits, y);
        if (!training)
        {
            // Validation only: reading accuracy syncs the device, which training steps avoid.
            context.Log("val_acc", logits.argmax(1).eq(y).to_type(ScalarType.Float64).mean().item<double>(), MetricReduction.Mean);
        }

        return loss;
    }

    /// <inheritdoc/>
    protected override int BatchSize(DigitsBatch batch) => batch.Indices.Count;

    private (Tensor X, Tensor Y) Tensors(int[] indices)
    {
        var pixels = new float[indices.Length * DigitsData.Features];
        var labels = new long[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            _data.Image(indices[i]).CopyTo(pixels.AsSpan(i * DigitsData.Features, DigitsData.Features));
            labels[i] = _data.Labels[indices[i]];
        }

        return (tensor(pixels, new long[] { indices.Length, DigitsData.Features }, device: Device), tensor(labels, device: Device));
    }
}
