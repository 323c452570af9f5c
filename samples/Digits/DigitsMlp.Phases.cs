using System;
using System.Numerics.Tensors;

namespace DreamTrainer.Samples.Digits;

// The training step in phases, as an engine exposes them (IPhasedTrainingStep): the trainer runs
// forward, zero_grad, backward and the optimizer step one by one, with callbacks between them.
public sealed partial class DigitsMlp : IPhasedTrainingStep<DigitsBatch>
{
    private readonly DigitsOutputs _trainOutputs = new();
    private readonly DigitsOutputs _validationOutputs = new();

    /// <summary>The gradients of the four parameter arrays, for the optimizer-step hooks (norms, clipping).</summary>
    public IGradientControl Gradients { get; }

    /// <summary>Forward pass and loss of a batch (this rank's shard); computes the shard's gradient sums, which <see cref="Backward"/> turns into the mean gradient and adds to the gradients.</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="context">The trainer context (the step logs <c>acc</c>).</param>
    /// <returns>The mean loss, with the predictions as outputs.</returns>
    public StepResult Forward(DigitsBatch batch, TrainerContext context)
    {
        Array.Clear(_batchGradients);
        double loss = 0;
        int correct = 0;
        _trainOutputs.Reset(batch.Indices.Count);
        for (int i = 0; i < batch.Indices.Count; i++)
        {
            int index = batch.Indices[i];
            ReadOnlySpan<float> x = _data.Image(index);
            int label = _data.Labels[index];
            loss += ForwardOne(x, label, ref correct);
            _trainOutputs.Writable[i] = TensorPrimitives.IndexOfMax(_logits);

            // Backward of this image's loss: dlogits = p - onehot, summed over the shard.
            _probabilities[label] -= 1f;
            TensorPrimitives.Add(_pb2, _probabilities, _pb2);
            Array.Clear(_dHidden);
            for (int k = 0; k < Out; k++)
            {
                float d = _probabilities[k];
                Span<float> gradRow = _p2.AsSpan(k * _hidden, _hidden);
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

                _pb1[j] += d;
                Span<float> gradRow = _p1.AsSpan(j * In, In);
                TensorPrimitives.MultiplyAdd(x, d, gradRow, gradRow);
            }
        }

        _batchGradients[^1] = batch.Indices.Count;
        _trainOutputs.Correct = correct;
        context.Log("acc", (double)correct / batch.Indices.Count, MetricReduction.Mean);
        return new StepResult(loss / batch.Indices.Count, batch.Indices.Count, _trainOutputs);
    }

    /// <inheritdoc/>
    public void ZeroGrad()
    {
        Array.Clear(_g1);
        Array.Clear(_gb1);
        Array.Clear(_g2);
        Array.Clear(_gb2);
    }

    /// <inheritdoc/>
    public void Backward(double lossScale)
    {
        // Every rank's sums and counts added together: the mean gradient of the global batch, as
        // DDP all-reduces during backward, so the hooks after it see (and clip) the same gradients on every rank.
        _group.AllReduce(_batchGradients, ReduceOperation.Sum);
        float factor = (float)(lossScale / _batchGradients[^1]);
        TensorPrimitives.MultiplyAdd(_p1, factor, _g1, _g1);
        TensorPrimitives.MultiplyAdd(_pb1, factor, _gb1, _gb1);
        TensorPrimitives.MultiplyAdd(_p2, factor, _g2, _g2);
        TensorPrimitives.MultiplyAdd(_pb2, factor, _gb2, _gb2);
    }

    /// <inheritdoc/>
    public void OptimizerStep()
    {
        Update(_w1, _g1, _v1);
        Update(_b1, _gb1, _vb1);
        Update(_w2, _g2, _v2);
        Update(_b2, _gb2, _vb2);
    }
}
