using System;
using System.Collections.Generic;
using System.IO;
using System.Numerics.Tensors;

namespace DreamTrainer.Samples.Digits;

/// <summary>
/// A one-hidden-layer perceptron (64 → hidden → 10, ReLU, softmax cross-entropy) trained with SGD
/// and momentum, written with <see cref="TensorPrimitives"/>. It plugs into the trainer through the
/// engine seams: learning rate and momentum (<see cref="ILearningRateControl"/>), weights for
/// checkpoints and restore-best-weights (<see cref="IModelStateControl"/>), its step in phases with
/// its gradients (<see cref="IPhasedTrainingStep{TBatch}"/>, in DigitsMlp.Phases.cs) so optimizer-step
/// hooks can measure and clip them, and data-parallel training over a process group: each rank sums
/// its shard's gradients, one all-reduce in the backward phase adds the ranks' sums and sample counts,
/// and every rank applies the same mean gradient. Each step returns the predictions as its outputs.
/// A training step allocates nothing.
/// </summary>
public sealed partial class DigitsMlp : ITrainingModule<DigitsBatch>, ILearningRateControl, IModelStateControl
{
    private const int In = DigitsData.Features;
    private const int Out = DigitsData.Classes;

    private readonly DigitsData _data;
    private readonly int _hidden;
    private readonly IProcessGroup _group;

    // Parameters: each row is one unit's incoming weights, so a unit is a dot product.
    private readonly float[] _w1;
    private readonly float[] _b1;
    private readonly float[] _w2;
    private readonly float[] _b2;

    // The batch's gradient sums as a forward pass computes them, in one buffer so that one
    // all-reduce carries them, with the batch's sample count in the last element; views of it in
    // the parameters' shapes. Backward adds their global mean to the gradients.
    private readonly float[] _batchGradients;
    private readonly ArraySegment<float> _p1;
    private readonly ArraySegment<float> _pb1;
    private readonly ArraySegment<float> _p2;
    private readonly ArraySegment<float> _pb2;

    // Gradients (what the optimizer-step hooks see and clip) and momentum buffers, same shapes as the parameters.
    private readonly float[] _g1;
    private readonly float[] _gb1;
    private readonly float[] _g2;
    private readonly float[] _gb2;
    private readonly float[] _v1;
    private readonly float[] _vb1;
    private readonly float[] _v2;
    private readonly float[] _vb2;

    // Per-example scratch.
    private readonly float[] _pre;
    private readonly float[] _act;
    private readonly float[] _logits;
    private readonly float[] _probabilities;
    private readonly float[] _dHidden;

    /// <summary>Creates the network with He-initialised weights.</summary>
    /// <param name="data">The images the batches index into.</param>
    /// <param name="hidden">Hidden units.</param>
    /// <param name="learningRate">The initial learning rate.</param>
    /// <param name="momentum">SGD momentum.</param>
    /// <param name="seed">The initialisation seed.</param>
    /// <param name="processGroup">The ranks to train with, data-parallel; null: one process.</param>
    public DigitsMlp(DigitsData data, int hidden = 64, double learningRate = 0.1, double momentum = 0.9, int seed = 7, IProcessGroup? processGroup = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        _data = data;
        _hidden = hidden;
        _group = processGroup ?? SingleProcessGroup.Instance;
        Sgd = new MomentumSgd(learningRate, momentum);
        _w1 = new float[hidden * In];
        _b1 = new float[hidden];
        _w2 = new float[Out * hidden];
        _b2 = new float[Out];
        _batchGradients = new float[_w1.Length + hidden + _w2.Length + Out + 1];
        _p1 = new ArraySegment<float>(_batchGradients, 0, _w1.Length);
        _pb1 = new ArraySegment<float>(_batchGradients, _p1.Offset + _p1.Count, hidden);
        _p2 = new ArraySegment<float>(_batchGradients, _pb1.Offset + _pb1.Count, _w2.Length);
        _pb2 = new ArraySegment<float>(_batchGradients, _p2.Offset + _p2.Count, Out);
        _g1 = new float[_w1.Length];
        _gb1 = new float[hidden];
        _g2 = new float[_w2.Length];
        _gb2 = new float[Out];
        _v1 = new float[_w1.Length];
        _vb1 = new float[hidden];
        _v2 = new float[_w2.Length];
        _vb2 = new float[Out];
        _pre = new float[hidden];
        _act = new float[hidden];
        _logits = new float[Out];
        _probabilities = new float[Out];
        _dHidden = new float[hidden];
        Gradients = new ArrayGradients(("hidden.weight", _g1), ("hidden.bias", _gb1), ("output.weight", _g2), ("output.bias", _gb2));

        var random = new Random(seed);
        Initialise(_w1, In, random);
        Initialise(_w2, hidden, random);
    }

    /// <summary>The optimizer: its learning rate and momentum (what hooks bind as <c>optimizer</c>).</summary>
    public MomentumSgd Sgd { get; }

    /// <summary>The current learning rate.</summary>
    public double LearningRate
    {
        get => Sgd.LearningRate;
        set => Sgd.LearningRate = value;
    }

    /// <summary>Accuracy (<c>acc</c>, and so <c>val_acc</c>) gets better going up, so callbacks can monitor it with <see cref="MonitorMode.Auto"/>.</summary>
    public IReadOnlyDictionary<string, MonitorMode> MetricDirections { get; } = new Dictionary<string, MonitorMode> { ["acc"] = MonitorMode.Max };

    /// <summary>The SGD momentum.</summary>
    public double Momentum => Sgd.Momentum;

    object? ITrainingModule<DigitsBatch>.Optimizer => Sgd;

    /// <inheritdoc/>
    public int GroupCount => 1;

    /// <summary>The ranks the network trains with.</summary>
    public IProcessGroup ProcessGroup => _group;

    IProcessGroup? ITrainingModule<DigitsBatch>.ProcessGroup => _group;

    /// <summary>One training step in one go, for callers without the trainer's phases: forward, zero_grad, backward, step.</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="context">The trainer context.</param>
    /// <returns>The loss, with the predictions as outputs.</returns>
    public StepResult TrainingStep(DigitsBatch batch, TrainerContext context)
    {
        StepResult result = Forward(batch, context);
        ZeroGrad();
        Backward(1.0);
        OptimizerStep();
        return result;
    }

    /// <inheritdoc/>
    public StepResult ValidationStep(DigitsBatch batch, TrainerContext context)
    {
        double loss = 0;
        int correct = 0;
        _validationOutputs.Reset(batch.Indices.Count);
        for (int i = 0; i < batch.Indices.Count; i++)
        {
            int index = batch.Indices[i];
            loss += ForwardOne(_data.Image(index), _data.Labels[index], ref correct);
            _validationOutputs.Writable[i] = TensorPrimitives.IndexOfMax(_logits);
        }

        _validationOutputs.Correct = correct;
        context.Log("val_acc", (double)correct / batch.Indices.Count, MetricReduction.Mean);
        return new StepResult(loss / batch.Indices.Count, batch.Indices.Count, _validationOutputs);
    }

    /// <summary>The share of <paramref name="indices"/> classified correctly.</summary>
    /// <param name="indices">The images to score.</param>
    /// <returns>The accuracy, 0..1.</returns>
    public double Accuracy(ReadOnlySpan<int> indices)
    {
        int correct = 0;
        foreach (int index in indices)
        {
            ForwardOne(_data.Image(index), _data.Labels[index], ref correct);
        }

        return indices.Length == 0 ? 0 : (double)correct / indices.Length;
    }

    /// <inheritdoc/>
    public double GetLearningRate(int group) => LearningRate;

    /// <inheritdoc/>
    public void SetLearningRate(int group, double learningRate) => LearningRate = learningRate;

    /// <inheritdoc/>
    public bool TryGetMomentum(int group, out double momentum)
    {
        momentum = Momentum;
        return true;
    }

    /// <inheritdoc/>
    public void Save(Stream destination)
    {
        using var writer = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(_hidden);
        foreach (float[] array in State())
        {
            writer.Write(array.Length);
            foreach (float value in array)
            {
                writer.Write(value);
            }
        }
    }

    /// <inheritdoc/>
    public void Load(Stream source)
    {
        using var reader = new BinaryReader(source, System.Text.Encoding.UTF8, leaveOpen: true);
        int hidden = reader.ReadInt32();
        if (hidden != _hidden)
        {
            throw new InvalidDataException($"The checkpoint has {hidden} hidden units; this network has {_hidden}.");
        }

        foreach (float[] array in State())
        {
            int length = reader.ReadInt32();
            if (length != array.Length)
            {
                throw new InvalidDataException($"A checkpoint array has {length} values; expected {array.Length}.");
            }

            for (int i = 0; i < length; i++)
            {
                array[i] = reader.ReadSingle();
            }
        }
    }

    /// <inheritdoc/>
    public object CreateSnapshot()
    {
        float[][] state = State();
        var copy = new float[state.Length][];
        for (int i = 0; i < state.Length; i++)
        {
            copy[i] = (float[])state[i].Clone();
        }

        return copy;
    }

    /// <inheritdoc/>
    public void Restore(object snapshot)
    {
        var copy = (float[][])snapshot;
        float[][] state = State();
        for (int i = 0; i < state.Length; i++)
        {
            copy[i].CopyTo(state[i], 0);
        }
    }

    private static void Initialise(float[] weights, int fanIn, Random random)
    {
        double scale = Math.Sqrt(2.0 / fanIn);
        for (int i = 0; i < weights.Length; i++)
        {
            // Box-Muller: a standard normal from two uniforms.
            double u = 1.0 - random.NextDouble();
            double v = random.NextDouble();
            weights[i] = (float)(scale * Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2 * Math.PI * v));
        }
    }

    /// <summary>Forward pass of one image; leaves activations and probabilities in the scratch buffers.</summary>
    private double ForwardOne(ReadOnlySpan<float> x, int label, ref int correct)
    {
        for (int j = 0; j < _hidden; j++)
        {
            _pre[j] = TensorPrimitives.Dot(x, _w1.AsSpan(j * In, In)) + _b1[j];
        }

        TensorPrimitives.Max(_pre, 0f, _act);
        for (int k = 0; k < Out; k++)
        {
            _logits[k] = TensorPrimitives.Dot(_act, _w2.AsSpan(k * _hidden, _hidden)) + _b2[k];
        }

        TensorPrimitives.SoftMax(_logits, _probabilities);
        if (TensorPrimitives.IndexOfMax(_logits) == label)
        {
            correct++;
        }

        return -Math.Log(Math.Max(_probabilities[label], 1e-12f));
    }

    private void Update(Span<float> weights, ReadOnlySpan<float> gradient, Span<float> velocity)
    {
        // v = momentum * v - lr * g;  w += v
        TensorPrimitives.Multiply(velocity, (float)Momentum, velocity);
        TensorPrimitives.MultiplyAdd(gradient, (float)-LearningRate, velocity, velocity);
        TensorPrimitives.Add(weights, velocity, weights);
    }

    private float[][] State() => new[] { _w1, _b1, _w2, _b2, _v1, _vb1, _v2, _vb2 };
}
