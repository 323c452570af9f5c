using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using TorchSharp;
using DreamTrainer.Testing;
using Xunit;
using static TorchSharp.torch;

namespace DreamTrainer.TorchSharp.Tests;

/// <summary>The gradient norm: measured on the device in float64, gradients untouched, read only when asked.</summary>
public sealed class GradientNormTests
{
    [Fact]
    public void Two_hundred_float32_steps_with_the_logger_callbacks_defaults_log_finite_norms_every_50_steps()
    {
        using var module = new TestNet(parameters => optim.SGD(parameters, 0.05, momentum: 0.9));
        var logger = new LinesLogger();

        TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = 10, MaxSteps = 200 }, new CallbackCollection { new LoggerCallback(logger) })
            .Fit(module, TestNet.Loader(1024));

        Assert.Equal(200, result.GlobalStep);
        var norms = logger.Lines.Select(line => Regex.Match(line, "grad_norm=([^ ]+)")).Where(m => m.Success)
            .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(4, norms.Length);
        Assert.All(norms, norm => Assert.True(double.IsFinite(norm) && norm > 0, $"grad_norm {norm}"));
        Assert.Equal(4 * 2, module.NormReads);
    }

    [Fact]
    public void The_norm_equals_the_hand_computed_one_and_leaves_every_gradient_bit_for_bit_as_it_was()
    {
        using var module = new TestNet(parameters => optim.SGD(parameters, 0.05));
        module.TrainingStep(TestNet.Loader(32).First(), new CallbackTestHarness().Context);
        float[][] before = Gradients(module);
        double expected = Math.Sqrt(before.SelectMany(g => g).Sum(v => (double)v * v));

        Assert.True(module.TryGetGradientNorm(out double norm));

        Assert.Equal(expected, norm, 1e-9 * expected);
        float[][] after = Gradients(module);
        for (int i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i], after[i]);
        }
    }

    [Fact]
    public void Float32_gradients_whose_squares_overflow_float32_still_have_a_finite_norm()
    {
        using var module = new TestNet(parameters => optim.SGD(parameters, 0.05));
        module.TrainingStep(TestNet.Loader(32).First(), new CallbackTestHarness().Context);
        using (no_grad())
        {
            foreach (var parameter in module.Model.parameters())
            {
                using Tensor? gradient = TensorOps.Gradient(parameter);
                gradient!.fill_(1e30f).Dispose();
            }
        }

        Assert.True(module.TryGetGradientNorm(out double norm));

        long count = module.Model.parameters().Sum(p => p.numel());
        Assert.Equal(1e30 * Math.Sqrt(count), norm, 1e-6 * norm);
    }

    private static float[][] Gradients(TestNet module) =>
        module.Model.parameters().Select(p =>
        {
            using Tensor? gradient = TensorOps.Gradient(p);
            return gradient!.cpu().data<float>().ToArray();
        }).ToArray();

    private sealed class LinesLogger : ILogger
    {
        public List<string> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }
}
