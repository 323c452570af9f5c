using System;
using DreamTrainer.Samples.Digits;
using DreamTrainer.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace DreamTrainer.Samples.TorchSharpDigits;

/// <summary>
/// The digits MLP as a TorchSharp module. The images and labels go to the device once; a batch is
/// its indices, copied to the device without waiting where TorchSharp allows, and gathered there.
/// </summary>
public sealed class DigitsClassifier : TorchSharpModule<DigitsBatch>
{
    private readonly nn.Module<Tensor, Tensor> _network;
    private readonly Tensor _images;
    private readonly Tensor _labels;
    private long _accuracyReads;
    private long _blockingCopies;

    /// <summary>Creates a 64-hidden-unit MLP trained with SGD and momentum.</summary>
    /// <param name="data">The images.</param>
    /// <param name="learningRate">The initial learning rate.</param>
    /// <param name="seed">The initialisation seed.</param>
    /// <param name="device">Where to train; default: CUDA when available.</param>
    /// <param name="processGroup">The ranks training together; null: this process alone.</param>
    public static DigitsClassifier Create(DigitsData data, double learningRate = 0.05, int seed = 7, Device? device = null, IProcessGroup? processGroup = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        manual_seed(seed);
        var network = nn.Sequential(
            ("fc1", nn.Linear(DigitsData.Features, 64)),
            ("relu", nn.ReLU()),
            ("fc2", nn.Linear(64, DigitsData.Classes)));
        return new DigitsClassifier(network, data, learningRate, device, processGroup);
    }

    // The optimizer is built from the parameters after the model moved to the device.
    private DigitsClassifier(nn.Module<Tensor, Tensor> network, DigitsData data, double learningRate, Device? device, IProcessGroup? processGroup)
        : base(network, parameters => optim.SGD(parameters, learningRate, momentum: 0.9), device, processGroup)
    {
        _network = network;
        using (NewDisposeScope())
        {
            _images = tensor(data.Pixels, new long[] { data.Count, DigitsData.Features }).to(Device).DetachFromDisposeScope();
            _labels = tensor(Array.ConvertAll(data.Labels, label => (long)label)).to(Device).DetachFromDisposeScope();
        }
    }

    /// <summary>
    /// Device synchronizations this module caused: loss reads, norm reads, accuracy reads (one per
    /// validation batch), and host-to-device copies that waited (none on the CPU, none on a GPU
    /// with a TorchSharp that copies without blocking).
    /// </summary>
    public long DeviceSyncs => LossReads + NormReads + _accuracyReads + _blockingCopies;

    /// <summary>Host-to-device copies that waited for the device.</summary>
    public long BlockingCopies => _blockingCopies;

    /// <summary>The share of <paramref name="indices"/> classified correctly.</summary>
    /// <param name="indices">The images to score.</param>
    /// <returns>The accuracy, 0..1.</returns>
    public double Accuracy(int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        bool training = Model.training;
        Model.eval();
        try
        {
            using (NewDisposeScope())
            using (no_grad())
            {
                (Tensor x, Tensor y) = Batch(indices);
                return _network.call(x).argmax(1).eq(y).to_type(ScalarType.Float64).mean().item<double>();
            }
        }
        finally
        {
            Model.train(training);
        }
    }

    /// <inheritdoc/>
    protected override Tensor ComputeLoss(DigitsBatch batch, TrainerContext context, bool training)
    {
        (Tensor x, Tensor y) = Batch(batch.Indices);
        Tensor logits = _network.call(x);
        Tensor loss = nn.functional.cross_entropy(logits, y);
        if (!training)
        {
            // Validation only: reading accuracy syncs the device, which training steps avoid.
            _accuracyReads++;
            context.Log("val_acc", logits.argmax(1).eq(y).to_type(ScalarType.Float64).mean().item<double>(), MetricReduction.Mean);
        }

        return loss;
    }

    /// <inheritdoc/>
    protected override int BatchSize(DigitsBatch batch) => batch.Indices.Count;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _images.Dispose();
            _labels.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>The batch's images and labels, gathered on the device by index.</summary>
    private (Tensor X, Tensor Y) Batch(ArraySegment<int> indices)
    {
        var positions = new long[indices.Count];
        for (int i = 0; i < positions.Length; i++)
        {
            positions[i] = indices[i];
        }

        Tensor onDevice = Devices.ToDevice(tensor(positions), Device, out bool blocking);
        if (blocking)
        {
            _blockingCopies++;
        }

        return (_images.index_select(0, onDevice), _labels.index_select(0, onDevice));
    }
}
