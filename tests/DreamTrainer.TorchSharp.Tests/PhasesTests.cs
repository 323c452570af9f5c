using System;
using System.Collections.Generic;
using System.Linq;
using DreamTrainer.Samples.Digits;
using DreamTrainer.Testing;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace DreamTrainer.TorchSharp.Tests;

/// <summary>The adapter's phases under the trainer's clipping and accumulation, against values computed by hand on the host.</summary>
public sealed class PhasesTests
{
    private static readonly DigitsBatch[] Batches = TestNet.Loader(64, 32, null).ToArray();

    [Theory]
    [InlineData(GradientClipAlgorithm.Norm, 0.1)]
    [InlineData(GradientClipAlgorithm.Value, 0.002)]
    public void Clipping_before_the_step_gives_the_weights_a_hand_clipped_sgd_step_gives(GradientClipAlgorithm algorithm, double clip)
    {
        // By hand: one forward/backward, the gradients read to the host and clipped there, one SGD step.
        float[] expected;
        using (var reference = new TestNet(p => optim.SGD(p, 0.1)))
        {
            reference.Forward(Batches[0], new CallbackTestHarness().Context);
            reference.ZeroGrad();
            reference.Backward(1.0);
            float[][] gradients = Gradients(reference);
            double total = Math.Sqrt(gradients.SelectMany(g => g).Sum(v => (double)v * v));
            Assert.True(algorithm == GradientClipAlgorithm.Value || total > clip, $"the gradient norm {total} must exceed the clip value");
            double coefficient = Math.Min(1, clip / (total + 1e-6));
            float[] weights = reference.Weights();
            float[] flat = gradients.SelectMany(g => g).ToArray();
            expected = weights.Select((w, i) => (float)(w - (0.1 * (algorithm == GradientClipAlgorithm.Norm ? flat[i] * coefficient : Math.Clamp(flat[i], -clip, clip))))).ToArray();
        }

        using var module = new TestNet(p => optim.SGD(p, 0.1));
        new Trainer(new TrainerOptions { MaxEpochs = 1, GradientClipValue = clip, GradientClipAlgorithm = algorithm }).Fit(module, Batches.Take(1));

        float[] actual = module.Weights();
        Assert.Equal(expected.Length, actual.Length);
        double difference = expected.Zip(actual, (a, b) => Math.Abs((double)a - b)).Max();
        Assert.True(difference < 1e-6, $"weights differ from the hand-clipped step by up to {difference}");
        Assert.NotEqual(Unclipped(), actual);
    }

    [Fact]
    public void Accumulating_two_batches_of_32_equals_one_step_on_the_64_images_together()
    {
        float[] together;
        using (var reference = new TestNet(p => optim.SGD(p, 0.5, momentum: 0.9)))
        {
            var both = new DigitsBatch(new ArraySegment<int>(Batches.SelectMany(b => b.Indices).ToArray()));
            reference.TrainingStep(both, new CallbackTestHarness().Context);
            together = reference.Weights();
        }

        using var module = new TestNet(p => optim.SGD(p, 0.5, momentum: 0.9));
        new Trainer(new TrainerOptions { MaxEpochs = 1, AccumulateGradBatches = 2 }).Fit(module, Batches);

        double difference = together.Zip(module.Weights(), (a, b) => Math.Abs((double)a - b)).Max();
        Assert.True(difference < 1e-6, $"weights differ from one step on the 64 images by up to {difference}");
    }

    [Fact]
    public void The_gradient_view_measures_each_parameter_and_the_total_in_any_norm_as_the_host_does()
    {
        using var module = new TestNet(p => optim.SGD(p, 0.1));
        module.Forward(Batches[0], new CallbackTestHarness().Context);
        module.ZeroGrad();
        module.Backward(1.0);
        float[][] gradients = Gradients(module);
        var view = new GradientView(module.Gradients);

        Assert.Equal(new[] { "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" }, Enumerable.Range(0, view.ParameterCount).Select(view.GetParameterName));
        for (int i = 0; i < gradients.Length; i++)
        {
            double expected = Math.Sqrt(gradients[i].Sum(v => (double)v * v));
            Assert.Equal(expected, view.GetNorm(i), 1e-9 * expected);
        }

        double l1 = gradients.SelectMany(g => g).Sum(v => Math.Abs((double)v));
        double largest = gradients.SelectMany(g => g).Max(v => Math.Abs((double)v));
        Assert.Equal(l1, view.GetTotalNorm(1), 1e-9 * l1);
        Assert.Equal(largest, view.GetTotalNorm(double.PositiveInfinity), 1e-12);
        Assert.Equal(gradients, Gradients(module));
    }

    private static float[] Unclipped()
    {
        using var module = new TestNet(p => optim.SGD(p, 0.1));
        new Trainer(new TrainerOptions { MaxEpochs = 1 }).Fit(module, Batches.Take(1));
        return module.Weights();
    }

    private static float[][] Gradients(TestNet module) =>
        module.Model.parameters().Select(p =>
        {
            using Tensor? gradient = TensorOps.Gradient(p);
            return gradient!.cpu().data<float>().ToArray();
        }).ToArray();
}
