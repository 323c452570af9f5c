using System;
using System.Collections.Generic;
using System.IO;
using System.Numerics.Tensors;

namespace DreamTrainer.Samples.Digits;

/// <summary>
/// A one-hidden-layer perceptron (64 → hidden → 10, ReLU, softmax cross-entropy) trained with SGD
/// and momentum, written with <see cref="TensorPrimitives"/>. It plugs into the trainer through the
/// engine seams: learning rate and momentum (<see cref="ILearningRateControl"/>), weights for
/// checkpoints and restore-best-weights (<see cref="IModelStateControl"/>), and data-parallel
/// training over a process group: each rank sums its shard's gradients, one all-reduce adds the
/// ranks' sums and sample counts, and every rank applies the same mean gradient. A training step
/// allocates nothing.
/// </summary>
public sealed class DigitsMlp : ITrainingModule<DigitsBatch>, ILearningRateControl, IModelStateControl
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

    // Gradient sums of the step, in one buffer so that one all-reduce carries them, with the
    // step's sample count in the last element; views of it in the parameters' shapes.
    private readonly float[] _gradients;
    private readonly ArraySegment<float> _g1;
    private readonly ArraySegment<float> _gb1;
    private readonly ArraySegment<float> _g2;
    private readonly ArraySegment<float> _gb2;

    // Momentum buffers, same shapes as the parameters.
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
        LearningRate = learningRate;
        Momentum = momentum;
        _w1 = new float[hidden * In];
        _b1 = new float[hidden];
        _w2 = new float[Out * hidden];
        _b2 = new float[Out];
        _gradients = new float[_w1.Length + hidden + _w2.Length + Out + 1];
        _g1 = new ArraySegment<float>(_gradients, 0, _w1.Length);
        _gb1 = new ArraySegment<float>(_gradients, _g1.Offset + _g1.Count, hidden);
        _g2 = new ArraySegment<float>(_gradients, _gb1.Offset + _gb1.Count, _w2.Length);
        _gb2 = new ArraySegment<float>(_gradients, _g2.Offset + _g2.Count, Out);
        _v1 = new float[_w1.Length];
        _vb1 = new float[hidden];
        _v2 = new float[_w2.Length];
        _vb2 = new float[Out];
        _pre = new float[hidden];
        _act = new float[hidden];
        _logits = new float[Out];
        _probabilities = new float[Out];
        _dHidden = new float[hidden];

        var random = new Random(seed);
        Initialise(_w1, In, random);
        Initialise(_w2, hidden, random);
    }

    /// <summary>The current learning rate.</summary>
    public double LearningRate { get; set; }

    /// <summary>Accuracy (<c>acc</c>, and so <c>val_acc</c>) gets better going up, so callbacks can monitor it with <see cref="MonitorMode.Auto"/>.</summary>
    public IReadOnlyDictionary<string, MonitorMode> MetricDirections { get; } = new Dictionary<string, MonitorMode> { ["acc"] = MonitorMode.Max };

    /// <summary>The SGD momentum.</summary>
    public double Momentum { get; }

    /// <inheritdoc/>
    public int GroupCount => 1;

    /// <summary>The ranks the network trains with.</summary>
    public IProcessGroup ProcessGroup => _group;

    IProcessGroup? ITrainingModule<DigitsBatch>.ProcessGroup => _group;

    /// <inheritdoc/>
    public StepResult TrainingStep(DigitsBatch batch, TrainerContext context)
    {
        Array.Clear(_gradients);
        double loss = 0;
        int correct = 0;
        foreach (int index in batch.Indices)
        {
            ReadOnlySpan<float> x = _data.Image(index);
            int label = _data.Labels[index];
            loss += Forward(x, label, ref correct);

            // Backward of this image: dlogits = p - onehot, summed over the shard.
            _probabilities[label] -= 1f;
            TensorPrimitives.Add(_gb2, _probabilities, _gb2);
            Array.Clear(_dHidden);
            for (int k = 0; k < Out; k++)
            {
                float d = _probabilities[k];
                Span<float> gradRow = _g2.AsSpan(k * _hidden, _hidden);
                TensorPrimitives.MultiplyAdd(_act, d, gradRow, gradRow);
                TensorPrimitives.MultiplyAdd(_w2.AsSpan(k * _hidden, _hidden), d, _dHidden, _dHidden);
            }

            for (int j = 0; j < _hidden; j++)
            {
                float d = _pre[j] > 0 ? _dHidden[j] : 0f;
                if (d == 0f)
                {
                    continue;
                }

                _gb1[j] += d;
                Span<float> gradRow = _g1.AsSpan(j * In, In);
                TensorPrimitives.MultiplyAdd(x, d, gradRow, gradRow);
            }
        }

        // Every rank's sums and counts added together: the mean gradient of the global batch.
        int count = batch.Indices.Count;
        _gradients[^1] = count;
        _group.AllReduce(_gradients, ReduceOperation.Sum);
        float samples = _gradients[^1];
        Span<float> gradients = _gradients.AsSpan(0, _gradients.Length - 1);
        TensorPrimitives.Multiply(gradients, 1f / samples, gradients);

        Update(_w1, _g1, _v1);
        Update(_b1, _gb1, _vb1);
        Update(_w2, _g2, _v2);
        Update(_b2, _gb2, _vb2);
        context.Log("acc", (double)correct / count, MetricReduction.Mean);
        return new StepResult(loss / count, count);
    }

    /// <inheritdoc/>
    public StepResult ValidationStep(DigitsBatch batch, TrainerContext context)
    {
        double loss = 0;
        int correct = 0;
        foreach (int index in batch.Indices)
        {
            loss += Forward(_data.Image(index), _data.Labels[index], ref correct);
        }

        context.Log("val_acc", (double)correct / batch.Indices.Count, MetricReduction.Mean);
        return new StepResult(loss / batch.Indices.Count, batch.Indices.Count);
    }

    /// <summary>The share of <paramref name="indices"/> classified correctly.</summary>
    /// <param name="indices">The images to score.</param>
    /// <returns>The accuracy, 0..1.</returns>
    public double Accuracy(ReadOnlySpan<int> indices)
    {
        int correct = 0;
        foreach (int index in indices)
        {
            Forward(_data.Image(index), _data.Labels[index], ref correct);
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
    private double Forward(ReadOnlySpan<float> x, int label, ref int correct)
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
