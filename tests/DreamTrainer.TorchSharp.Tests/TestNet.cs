using System;
using System.Collections.Generic;
using System.Linq;
using DreamTrainer.Samples.Digits;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Optimizer = TorchSharp.torch.optim.Optimizer;

namespace DreamTrainer.TorchSharp.Tests;

/// <summary>A small digits network for adapter tests: any optimizer, any device, optionally with a BatchNorm and a Dropout to watch modes.</summary>
internal sealed class TestNet : TorchSharpModule<DigitsBatch>
{
    public static readonly Lazy<DigitsData> Data = new(() => DigitsData.Load());

    private readonly nn.Module<Tensor, Tensor> _network;

    public TestNet(Func<IEnumerable<Parameter>, Optimizer> optimizer, Device? device = null, int seed = 7, bool withNorm = false)
        : this(Network(seed, withNorm, linearOnly: device?.type == DeviceType.META), optimizer, device)
    {
    }

    private TestNet(nn.Module<Tensor, Tensor> network, Func<IEnumerable<Parameter>, Optimizer> optimizer, Device? device)
        : base(network, optimizer, device ?? CPU) => _network = network;

    /// <summary>The form that takes an optimizer already built.</summary>
    public TestNet(nn.Module<Tensor, Tensor> network, Optimizer optimizer, Device device)
        : base(network, optimizer, device) => _network = network;

    public static nn.Module<Tensor, Tensor> Network(int seed, bool withNorm = false, bool linearOnly = false)
    {
        manual_seed(seed);
        if (linearOnly)
        {
            // libtorch 1.13 has no meta kernel for relu: linear layers run there.
            return nn.Sequential(("fc1", nn.Linear(DigitsData.Features, 32)), ("fc2", nn.Linear(32, DigitsData.Classes)));
        }

        return withNorm
            ? nn.Sequential(("fc1", nn.Linear(DigitsData.Features, 32)), ("norm", nn.BatchNorm1d(32)), ("drop", nn.Dropout(0.5)), ("relu", nn.ReLU()), ("fc2", nn.Linear(32, DigitsData.Classes)))
            : nn.Sequential(("fc1", nn.Linear(DigitsData.Features, 32)), ("relu", nn.ReLU()), ("fc2", nn.Linear(32, DigitsData.Classes)));
    }

    /// <summary>The first <paramref name="count"/> training images in batches of <paramref name="batchSize"/>.</summary>
    public static DigitsLoader Loader(int count, int batchSize = 32, int? shuffleSeed = 1) =>
        new(Data.Value.Split(0.2, seed: 42).Train[..count], batchSize, shuffleSeed);

    /// <summary>The parameters' values, flattened, on the host.</summary>
    public float[] Weights()
    {
        using (NewDisposeScope())
        {
            return Model.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();
        }
    }

    protected override Tensor ComputeLoss(DigitsBatch batch, TrainerContext context, bool training)
    {
        DigitsData data = Data.Value;
        var pixels = new float[batch.Indices.Count * DigitsData.Features];
        var labels = new long[batch.Indices.Count];
        for (int i = 0; i < labels.Length; i++)
        {
            data.Image(batch.Indices[i]).CopyTo(pixels.AsSpan(i * DigitsData.Features));
            labels[i] = data.Labels[batch.Indices[i]];
        }

        Tensor x = tensor(pixels, new long[] { labels.Length, DigitsData.Features }).to(Device);
        if (Device.type == DeviceType.META)
        {
            // libtorch 1.13 runs the forward pass on meta but not the backward pass of its native
            // modules (their parameters keep host metadata). The loss leaves the parameters out, so
            // their gradients stay empty; each optimizer step still looks up every parameter's state
            // by handle, which is what fails after a move replaced the parameters.
            _network.call(x);
            return x.requires_grad_().square().mean();
        }

        Tensor y = tensor(labels).to(Device);
        return nn.functional.cross_entropy(_network.call(x), y);
    }

    protected override int BatchSize(DigitsBatch batch) => batch.Indices.Count;
}
